import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakePlatforms } from "../fakes/platforms.mjs";
import {
  callAs,
  expectAccessible,
  type LocalConversa,
  screenshot,
  signedInSession,
  VIEWPORTS,
} from "./browser";

let server: LocalConversa;
let fake: Awaited<ReturnType<typeof startFakePlatforms>>;
let browser: Browser;
let page: Page;
let botToken: string;
let broadcastId: string;

const BLOCKED = "Forbidden: bot was blocked by the user";
const READERS = ["Mira Santos", "Jon Ode", "Ana Reyes", "Li Wei", "Sam Okafor"];

/** A JSON call as the signed-in admin on `page`. */
const call = <T = Record<string, unknown>>(method: string, path: string, data?: unknown) =>
  callAs<T>(page, server.base, method, path, data);

type Message = { id: string; conversation_id: string; status: string | null };

/** Waits until the message has left the queue, as its delivery status says. */
async function settled(id: string) {
  for (let tries = 0; tries < 60; tries++) {
    if ((await call<Message>("GET", `/api/v1/messages/${id}`)).status !== "queued") return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`message ${id} stayed queued`);
}

/**
 * A Telegram bot on the fake platform that has welcomed five readers, every one of them tagged
 * `news` with a contact the bot cannot reach; the segment "Newsletter" takes in the tag.
 */
async function seed() {
  botToken = `${Date.now()}:AAHbroadcasts${Math.floor(Math.random() * 1e9)}`;
  const channel = await call<{ id: string }>("POST", "/api/v1/channels", {
    type: "telegram",
    name: "Telegram news",
    config: { bot_token: botToken, secret_token: "broadcasts_e2e", api_base_url: fake.url },
  });
  for (const [i, name] of READERS.entries()) {
    const welcome = await call<Message>("POST", "/api/v1/messages", {
      channel_id: channel.id,
      to: { platform_id: `7770${i}`, name },
      text: "Welcome aboard!",
    });
    await settled(welcome.id);
    const conversation = await call<{ contact: { id: string } }>(
      "GET",
      `/api/v1/conversations/${welcome.conversation_id}`,
    );
    await call("POST", `/api/v1/contacts/${conversation.contact.id}/tags`, { tags: ["news"] });
  }
  await call("POST", "/api/v1/contacts", { name: "Nadia Offline", tags: ["news"] });
  await call("POST", "/api/v1/segments", {
    name: "Newsletter",
    rules: { groups: [{ rules: [{ type: "tag", operator: "has_any", tags: ["news"] }] }] },
  });
}

/** The next `times` sends of the bot are refused for good, as a reader who blocked it. */
const refuseNextSends = (times: number) =>
  fetch(`${fake.url}/__fake/script`, {
    method: "POST",
    body: JSON.stringify({
      path: `/bot${botToken}/sendMessage`,
      status: 403,
      times,
      body: { ok: false, error_code: 403, description: BLOCKED },
    }),
  });

const tile = (name: string) => page.locator(`.stat-tile[data-stat="${name}"] dd`).first();
const progress = () => page.getByRole("progressbar").getAttribute("aria-valuenow");
const recipientNames = () =>
  page.locator(".recipients-table tbody td:first-child a").allTextContents();

beforeAll(async () => {
  fake = await startFakePlatforms(0);
  ({ server, browser, page } = await signedInSession(8987, { fakePlatformsUrl: fake.url }));
  await seed();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await fake?.close();
});

describe("the broadcasts screens", () => {
  it("builds a broadcast to a segment, sends it to 100 %, lists the failed and retries them", async () => {
    await page.getByRole("link", { name: "Broadcasts", exact: true }).click();
    await page.waitForURL("**/broadcasts");
    await page.getByRole("heading", { name: "No broadcasts yet" }).waitFor();
    await screenshot(page, "broadcasts-empty");
    await page.getByRole("link", { name: "New broadcast" }).click();
    await page.waitForURL("**/broadcasts/new");

    await page.getByLabel("Name", { exact: true }).fill("Winter sale");
    await page.getByLabel("Segment", { exact: true }).selectOption({ label: "Newsletter" });
    await expect
      .poll(() => page.getByTestId("segment-count").textContent(), { timeout: 15_000 })
      .toContain("6 contacts");
    await screenshot(page, "broadcast-audience");
    await expectAccessible(page, "the audience step", "#main");
    await page.getByRole("button", { name: "Next" }).click();

    await page
      .getByLabel("Channel and sender account")
      .selectOption({ label: "Telegram news · Telegram" });
    await page
      .getByLabel("Text", { exact: true })
      .fill("Hi {{contact.first_name|there}}, the winter sale starts today!");
    // the preview is the server's rendering for the newest contact of the segment
    await expect
      .poll(() => page.getByTestId("message-preview").textContent(), { timeout: 10_000 })
      .toBe("Hi Nadia, the winter sale starts today!");
    await screenshot(page, "broadcast-message");
    await expectAccessible(page, "the message step", "#main");
    await page.getByRole("button", { name: "Next" }).click();
    // leaving the message step saved the draft
    await page.waitForURL(/\/broadcasts\/brd_[^/]+\/edit$/);
    const id = page.url().split("/").at(-2) as string;
    broadcastId = id;
    expect((await call<{ status: string }>("GET", `/api/v1/broadcasts/${id}`)).status).toBe(
      "draft",
    );

    await page.getByLabel("Send now").check();
    await page.getByRole("button", { name: "Next" }).click();
    const review = page.locator(".review-card");
    // the audience is counted again for the review
    await expect
      .poll(() => review.textContent(), { timeout: 15_000 })
      .toContain("Segment Newsletter · 6 contacts now");
    await expect
      .poll(() => review.textContent(), { timeout: 15_000 })
      .toContain("Telegram news · Telegram");
    await screenshot(page, "broadcast-review");
    await expectAccessible(page, "the review step", "#main");

    await refuseNextSends(2);
    await page.getByRole("button", { name: "Start sending" }).click();
    const confirm = page.getByRole("dialog");
    await confirm.getByRole("heading", { name: "Start sending to 6 contacts?" }).waitFor();
    await confirm.getByRole("button", { name: "Start sending" }).click();
    await page.waitForURL(`**/broadcasts/${id}`);

    // the bar follows the sends to the end; the two refused sends come back as failed
    await expect.poll(progress, { timeout: 60_000 }).toBe("100");
    await expect.poll(() => tile("failed").textContent(), { timeout: 30_000 }).toBe("2");
    await expect.poll(() => tile("targeted").textContent(), { timeout: 15_000 }).toBe("6");
    await expect.poll(() => tile("excluded").textContent(), { timeout: 15_000 }).toBe("1");
    await expect.poll(() => tile("sent").textContent(), { timeout: 15_000 }).toBe("3");
    await expect
      .poll(() => page.locator(".stat-reasons").textContent(), { timeout: 15_000 })
      .toBe("Not reachable on the channel: 1");
    await screenshot(page, "broadcast-sent");

    await page.getByLabel("Filter recipients by status").selectOption("failed");
    await expect.poll(() => recipientNames().then((n) => n.length), { timeout: 15_000 }).toBe(2);
    for (const name of await recipientNames()) expect(READERS).toContain(name);
    const reasons = page.locator(".recipients-table .recipient-reason");
    await expect
      .poll(() => reasons.allTextContents(), { timeout: 15_000 })
      .toEqual([BLOCKED, BLOCKED]);
    await screenshot(page, "broadcast-failed");
    await expectAccessible(page, "the broadcast's page", "#main");

    await page.getByRole("button", { name: "Retry 2 failed" }).click();
    await page.getByText("2 recipients queued again").waitFor();
    await expect.poll(() => tile("sent").textContent(), { timeout: 30_000 }).toBe("5");
    await expect.poll(() => tile("failed").textContent(), { timeout: 15_000 }).toBe("0");
    await expect.poll(recipientNames, { timeout: 15_000 }).toEqual([]);
    await page.getByLabel("Filter recipients by status").selectOption("sent");
    await expect
      .poll(() => recipientNames().then((n) => n.sort()), { timeout: 15_000 })
      .toEqual([...READERS].sort());
    await page.locator(".page-head .badge", { hasText: "Completed" }).waitFor();
    await screenshot(page, "broadcast-retried");

    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, "broadcast-retried");
    await expectAccessible(page, "the broadcast's page on a phone", "#main");
    await page.goto("/broadcasts");
    const row = page.locator(`[data-broadcast="${id}"]`);
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain("Segment Newsletter");
    await expect.poll(() => row.textContent(), { timeout: 15_000 }).toContain("Completed");
    await screenshot(page, "broadcasts");
    await page.setViewportSize(VIEWPORTS.laptop);
    await screenshot(page, "broadcasts");
    await expectAccessible(page, "the broadcasts list", "#main");
  });

  it("opens the builder with the contacts picked on the contacts screen", async () => {
    await page.goto("/contacts");
    for (const name of ["Mira Santos", "Jon Ode"])
      await page
        .locator(".contacts-table")
        .getByRole("checkbox", { name: `Select ${name}` })
        .check();
    await page.getByText("2 contacts selected").waitFor();
    await expectAccessible(page, "the contacts with a selection", "#main");
    await page.getByRole("button", { name: "Send broadcast" }).click();
    await page.waitForURL("**/broadcasts/new?from=contacts");
    await expect
      .poll(() => page.getByLabel("Send to").inputValue(), { timeout: 15_000 })
      .toBe("contacts");
    await expect
      .poll(() => page.getByTestId("segment-count").textContent(), { timeout: 15_000 })
      .toContain("2 contacts");
    const sample = page.locator(".segment-sample .contact-name > span:last-child");
    await expect
      .poll(() => sample.allTextContents().then((n) => n.sort()), { timeout: 15_000 })
      .toEqual(["Jon Ode", "Mira Santos"]);
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, "broadcast-picked");
    await page.setViewportSize(VIEWPORTS.laptop);

    // a message template of the channel's kind, filled in for a sample contact by the server
    await call("POST", "/api/v1/message-templates", {
      name: "Seat saved",
      channel_kind: "telegram",
      body: "Hello %first_name%, we saved your seat.",
    });
    await page.getByLabel("Name", { exact: true }).fill("Seats");
    await page.getByRole("button", { name: "Next" }).click();
    await page
      .getByLabel("Channel and sender account")
      .selectOption({ label: "Telegram news · Telegram" });
    await page.getByRole("combobox", { name: "Message", exact: true }).selectOption("library");
    await page
      .getByLabel("Message template", { exact: true })
      .selectOption({ label: "Seat saved" });
    await expect
      .poll(() => page.getByTestId("message-preview").textContent(), { timeout: 10_000 })
      .toMatch(/^Hello (Jon|Mira), we saved your seat\.$/);
    await expectAccessible(page, "the message step with a message template", "#main");
  });

  it("reads right to left in Arabic, on a laptop and a phone", async () => {
    await call("PATCH", "/api/v1/me", { language: "ar" });
    try {
      await page.goto(`/broadcasts/${broadcastId}`);
      await page.getByRole("heading", { name: "المستلمون" }).waitFor();
      expect(await page.locator("html").getAttribute("dir")).toBe("rtl");
      await expect.poll(progress, { timeout: 15_000 }).toBe("100");
      for (const viewport of [VIEWPORTS.laptop, VIEWPORTS.phone]) {
        await page.setViewportSize(viewport);
        await screenshot(page, "broadcast-arabic");
      }
      await expectAccessible(page, "the broadcast's page in Arabic", "#main");
    } finally {
      await page.setViewportSize(VIEWPORTS.laptop);
      await call("PATCH", "/api/v1/me", { language: null });
    }
  });
});
