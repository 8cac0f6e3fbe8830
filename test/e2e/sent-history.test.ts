import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import { startFakePlatforms } from "../fakes/platforms.mjs";
import {
  callAs,
  expectAccessible,
  type LocalConversa,
  launchBrowser,
  screenshot,
  signIn,
} from "./browser";

let server: LocalConversa;
let fake: Awaited<ReturnType<typeof startFakePlatforms>>;
let browser: Browser;
let page: Page;
let channelId = "";

const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const BLOCKED = "Forbidden: bot was blocked by the user";

/** A JSON call as the signed-in admin on `page`. */
const call = <T = Record<string, unknown>>(method: string, path: string, data?: unknown) =>
  callAs<T>(page, server.base, method, path, data);

type Message = { id: string; status: string | null };

/** Waits until the message has left the queue, as its delivery status says. */
async function settled(id: string) {
  for (let tries = 0; tries < 60; tries++) {
    if ((await call<Message>("GET", `/api/v1/messages/${id}`)).status !== "queued") return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`message ${id} stayed queued`);
}

/** A Telegram bot on the fake platform that has sent two messages to Mira, the second refused. */
async function seed() {
  const botToken = `${Date.now()}:AAHsenthistory${Math.floor(Math.random() * 1e9)}`;
  const channel = await call<{ id: string }>("POST", "/api/v1/channels", {
    type: "telegram",
    name: "Telegram support",
    config: { bot_token: botToken, secret_token: "sent_history", api_base_url: fake.url },
  });
  channelId = channel.id;
  const to = { platform_id: "55501234", name: "Mira Santos" };
  const welcome = await call<Message>("POST", "/api/v1/messages", {
    channel_id: channel.id,
    to,
    text: "Welcome aboard, Mira!",
  });
  await settled(welcome.id);
  await fetch(`${fake.url}/__fake/script`, {
    method: "POST",
    body: JSON.stringify({
      path: `/bot${botToken}/sendMessage`,
      status: 403,
      body: { ok: false, error_code: 403, description: BLOCKED },
    }),
  });
  const invoice = await call<Message>("POST", "/api/v1/messages", {
    channel_id: channel.id,
    to,
    text: "Your invoice #2041 is ready",
  });
  await settled(invoice.id);
}

const rowTexts = () =>
  page.locator(".sent-table tbody .sent-preview > span:last-child").allTextContents();

beforeAll(async () => {
  fake = await startFakePlatforms(0);
  server = await startConversa(8983, { fakePlatformsUrl: fake.url });
  browser = await launchBrowser();
  const context = await browser.newContext({ baseURL: server.base, viewport: LAPTOP });
  page = await context.newPage();
  await signIn(page, server.base);
  await seed();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await fake?.close();
});

describe("the sent-messages screen", () => {
  it("filters to failed messages, resends one and shows it sent", async () => {
    await page.getByRole("link", { name: "Sent", exact: true }).click();
    await page.waitForURL("**/sent");
    await page.getByRole("heading", { name: "Sent messages" }).waitFor();
    await expect
      .poll(rowTexts, { timeout: 15_000 })
      .toEqual(expect.arrayContaining(["Your invoice #2041 is ready", "Welcome aboard, Mira!"]));

    await page.getByLabel("Filter by status").selectOption("failed");
    await expect.poll(rowTexts, { timeout: 15_000 }).toEqual(["Your invoice #2041 is ready"]);
    const failedRow = page.locator(".sent-table tbody tr").first();
    await expect(failedRow.textContent()).resolves.toContain(BLOCKED);
    await screenshot(page, "sent-history-failed");
    await expectAccessible(page, "the sent-messages screen", "#main");

    await page.getByRole("button", { name: "Saved filters" }).click();
    await page.getByRole("menuitem", { name: "Save current filters…" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Failed sends");
    await dialog.getByRole("button", { name: "Save" }).click();
    await page.getByText("Filters saved").waitFor();

    await failedRow.getByRole("checkbox", { name: "Select the message to Mira Santos" }).check();
    await page.getByText("1 message selected").waitFor();
    await page.getByRole("toolbar").getByRole("button", { name: "Resend" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Resend" }).click();
    await page.getByText("1 message sent again").waitFor();

    // the new message goes out: it shows queued, then sent; the refused original stays failed
    await page.getByLabel("Filter by status").selectOption("");
    await expect
      .poll(rowTexts, { timeout: 15_000 })
      .toEqual([
        "Your invoice #2041 is ready",
        "Your invoice #2041 is ready",
        "Welcome aboard, Mira!",
      ]);
    const statuses = () => page.locator(".sent-table tbody .sent-status .badge").allTextContents();
    await expect.poll(statuses, { timeout: 15_000 }).toEqual(["Sent", "Failed", "Sent"]);
    await screenshot(page, "sent-history");
    await page.getByLabel("Filter by status").selectOption("sent");
    await expect
      .poll(rowTexts, { timeout: 15_000 })
      .toEqual(["Your invoice #2041 is ready", "Welcome aboard, Mira!"]);

    // the saved filter brings the failed one back
    await page.getByRole("button", { name: "Saved filters" }).click();
    await page.getByRole("menuitem", { name: "Failed sends", exact: true }).click();
    await expect.poll(() => page.getByLabel("Filter by status").inputValue()).toBe("failed");
    await expect.poll(rowTexts, { timeout: 15_000 }).toEqual(["Your invoice #2041 is ready"]);
  });

  it("opens a row's conversation, and shows cards on a phone", async () => {
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.locator(".sent-table tbody .sent-preview").first().click();
    await page.waitForURL(/\/c\/cv_/);
    await page.goBack();
    await page.setViewportSize(PHONE);
    await page.goto("/sent");
    const cards = page.locator(".sent-cards > li");
    await expect.poll(() => cards.count(), { timeout: 15_000 }).toBe(3);
    await expect(page.locator(".sent-table").isVisible()).resolves.toBe(false);
    await screenshot(page, "sent-history");
    await expectAccessible(page, "the sent-messages cards", "#main");
    await page.setViewportSize(LAPTOP);
  });

  it("narrows to a channel kind, a sender account and a contact found by name", async () => {
    await call<Message>("POST", "/api/v1/messages", {
      channel_id: channelId,
      to: { platform_id: "55507777", name: "Ingrid Okafor" },
      text: "Your parcel left the warehouse",
    });
    await page.goto("/sent");
    await expect.poll(rowTexts, { timeout: 15_000 }).toContain("Your parcel left the warehouse");

    const accounts = () =>
      page.getByLabel("Filter by sender account").locator("option").allTextContents();
    // the sender accounts arrive with the channels list, after the rows may already show
    await expect.poll(accounts, { timeout: 15_000 }).toContain("Website chat");
    await page.getByLabel("Filter by channel kind").selectOption("telegram");
    await expect.poll(accounts).toEqual(["Any sender account", "Telegram support"]);
    await page.getByLabel("Filter by sender account").selectOption({ label: "Telegram support" });
    const contact = page.getByRole("combobox", { name: "Filter by contact" });
    await contact.fill("ingrid");
    await page.getByRole("option", { name: "Ingrid Okafor" }).click();
    // straight back into the box: the pick's closing must not shut the list opened anew
    await contact.focus();
    await new Promise((settle) => setTimeout(settle, 300));
    await expect(page.getByRole("listbox").isVisible()).resolves.toBe(true);
    await contact.press("Escape");
    await expect.poll(rowTexts, { timeout: 15_000 }).toEqual(["Your parcel left the warehouse"]);
    await expect(contact.inputValue()).resolves.toBe("Ingrid Okafor");

    await contact.fill("mira");
    await page.getByRole("option", { name: "Mira Santos" }).click();
    await expect
      .poll(rowTexts, { timeout: 15_000 })
      .not.toContain("Your parcel left the warehouse");
    await screenshot(page, "sent-history-contact-filter");
  });
});
