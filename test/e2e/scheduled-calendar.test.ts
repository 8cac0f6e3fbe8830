import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callAs,
  expectAccessible,
  type LocalConversa,
  screenshot,
  signedInSession,
  VIEWPORTS,
} from "./browser";

let server: LocalConversa;
let browser: Browser;
let page: Page;

const LAPTOP = { width: 1280, height: 800 };

beforeAll(async () => {
  ({ server, browser, page } = await signedInSession(8997, { context: { viewport: LAPTOP } }));
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

const call = <T = Record<string, unknown>>(method: string, path: string, data?: unknown) =>
  callAs<T>(page, server.base, method, path, data);

type Listed = {
  data: {
    id: string;
    status: string;
    step: number | null;
    repeat: unknown;
    message: { text?: string };
  }[];
};

/** A visitor writes in on the web chat: their conversation's id. */
async function visitorConversation(text: string) {
  const channels = await call<{ data: { id: string; type: string }[] }>("GET", "/api/v1/channels");
  const webchat = channels.data.find((c) => c.type === "webchat");
  const session = await call<{ token: string }>("POST", "/widget/v1/sessions", {
    channel_id: webchat?.id,
  });
  const said = await page.request.fetch("/widget/v1/messages", {
    method: "POST",
    data: { text },
    headers: { authorization: `Bearer ${session.token}` },
  });
  return ((await said.json()) as { conversation_id: string }).conversation_id;
}

/** Tomorrow (here) at this hour, plus `days`. */
function tomorrowAt(hour: number, days = 0) {
  const d = new Date();
  d.setDate(d.getDate() + 1 + days);
  d.setHours(hour, 0, 0, 0);
  return d;
}

const dayLabel = (date: Date) =>
  new Intl.DateTimeFormat("en", { weekday: "long", day: "numeric", month: "long" }).format(date);

/** The laptop table's row group under the day heading `label`. */
const dayGroup = (label: string) =>
  page.locator(".agenda-table tbody").filter({
    has: page.getByRole("rowheader", { name: label, exact: true }),
  });

const rowWith = (within: Locator, text: string) =>
  within.getByRole("row").filter({ hasText: text });

async function cancelFrom(row: Locator, item: string) {
  await row.getByRole("button", { name: /^Actions for the message to/ }).click();
  await page.getByRole("menuitem", { name: item }).click();
  const confirm = page.getByRole("dialog");
  await confirm.getByRole("button", { name: "Cancel it" }).click();
  await confirm.waitFor({ state: "hidden" });
}

let conversationId = "";
let sequenceId = "";

describe("the scheduled messages calendar", () => {
  it("schedules a message repeating every 2 weeks from a conversation, the API's refusal beside its field", async () => {
    conversationId = await visitorConversation("Please check in with me every other week");
    await page.goto(`/c/${conversationId}`);
    await page.getByRole("textbox", { name: "Reply" }).fill("Your fortnightly check-in");
    await page.getByRole("button", { name: "Schedule message" }).click();
    const dialog = page.getByRole("dialog", { name: "Schedule a message" });
    await dialog.getByRole("button", { name: "Tomorrow 9:00" }).click();
    await dialog.getByRole("combobox", { name: "Repeat" }).selectOption("weeks");
    await dialog.getByRole("spinbutton", { name: "Interval (weeks)" }).fill("2");
    const count = dialog.getByRole("spinbutton", { name: "Number of sends" });
    await count.fill("1");
    await dialog.getByRole("button", { name: "Schedule", exact: true }).click();
    // a series of one is refused by the API, and said beside the field
    await dialog.getByText("At least 2", { exact: true }).waitFor();
    await expect(count.getAttribute("aria-invalid")).resolves.toBe("true");
    await count.fill("3");
    await expectAccessible(page, "the schedule dialog with repeat", "dialog");
    await screenshot(page, "schedule-repeat-dialog");
    await dialog.getByRole("button", { name: "Schedule", exact: true }).click();
    await dialog.waitFor({ state: "hidden" });

    const listed = await call<Listed>(
      "GET",
      `/api/v1/scheduled-messages?conversation_id=${conversationId}`,
    );
    expect(listed.data.map((m) => [m.status, m.message.text, m.repeat])).toEqual([
      ["pending", "Your fortnightly check-in", { every: 2, unit: "weeks", count: 3 }],
    ]);
  });

  it("shows it under Tomorrow with its repeat badge, and a sequence's steps on their days", async () => {
    const sequence = await call<{ id: string }>("POST", "/api/v1/scheduled-messages/sequences", {
      conversation_id: conversationId,
      start_at: tomorrowAt(10).toISOString(),
      steps: [0, 1, 2].map((day) => ({
        delay_minutes: day * 24 * 60,
        message: { text: `Follow-up on the quote, day ${day + 1}` },
      })),
    });
    sequenceId = sequence.id;
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Scheduled" })
      .click();
    await page.getByRole("heading", { name: "Scheduled messages" }).waitFor();

    const tomorrow = dayGroup("Tomorrow");
    const repeating = rowWith(tomorrow, "Your fortnightly check-in");
    await repeating.waitFor();
    await expect(repeating.getByText("Every 2 weeks").isVisible()).resolves.toBe(true);
    await expect(repeating.locator("time").textContent()).resolves.toMatch(/^9:00\sAM$/);
    await expect(repeating.getByRole("link").first().getAttribute("href")).resolves.toBe(
      `/c/${conversationId}`,
    );
    await expect(rowWith(tomorrow, "day 1").getByText("Step 1 of 3").isVisible()).resolves.toBe(
      true,
    );
    const second = rowWith(dayGroup(dayLabel(tomorrowAt(10, 1))), "day 2");
    await expect(second.getByText("Step 2 of 3").isVisible()).resolves.toBe(true);
    const third = rowWith(dayGroup(dayLabel(tomorrowAt(10, 2))), "day 3");
    await expect(third.getByText("Step 3 of 3").isVisible()).resolves.toBe(true);

    await expectAccessible(page, "the scheduled calendar");
    await screenshot(page, "scheduled-calendar");
  });

  it("fits a phone as cards under each day", async () => {
    await page.setViewportSize(VIEWPORTS.phone);
    const tomorrow = page.getByRole("region", { name: "Tomorrow" });
    const card = tomorrow.getByRole("listitem").filter({ hasText: "Your fortnightly check-in" });
    await card.waitFor();
    await expect(card.getByText("Every 2 weeks").isVisible()).resolves.toBe(true);
    await expect(page.locator(".agenda-table").isVisible()).resolves.toBe(false);
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(VIEWPORTS.phone.width);
    await expectAccessible(page, "the scheduled calendar on a phone");
    await screenshot(page, "scheduled-calendar");
    await page.setViewportSize(LAPTOP);
  });

  it("cancels one message, then a whole sequence, after asking", async () => {
    const tomorrow = dayGroup("Tomorrow");
    await cancelFrom(rowWith(tomorrow, "Your fortnightly check-in"), "Cancel this message");
    await rowWith(tomorrow, "Your fortnightly check-in").waitFor({ state: "detached" });
    const single = await call<Listed>(
      "GET",
      `/api/v1/scheduled-messages?conversation_id=${conversationId}&status=cancelled`,
    );
    expect(single.data.map((m) => m.message.text)).toEqual(["Your fortnightly check-in"]);

    await cancelFrom(rowWith(tomorrow, "day 1"), "Cancel the whole sequence");
    await page.getByText("Nothing scheduled").waitFor();
    const steps = await call<Listed>("GET", `/api/v1/scheduled-messages/sequences/${sequenceId}`);
    expect(steps.data.map((m) => m.status)).toEqual(["cancelled", "cancelled", "cancelled"]);
  });

  it("filters by status: the cancelled ones come back, nothing has been sent", async () => {
    const status = page.getByRole("combobox", { name: "Filter by status" });
    await status.selectOption("cancelled");
    const tomorrow = dayGroup("Tomorrow");
    await rowWith(tomorrow, "Your fortnightly check-in").waitFor();
    await expect(page.locator(".agenda-table tbody tr[data-id]").count()).resolves.toBe(4);
    await expect(
      rowWith(tomorrow, "day 1").getByText("Cancelled", { exact: true }).isVisible(),
    ).resolves.toBe(true);
    await status.selectOption("sent");
    await page.getByText("No scheduled messages match").waitFor();
    await status.selectOption("pending");
    await page.getByText("Nothing scheduled").waitFor();
  });
});
