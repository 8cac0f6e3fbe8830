import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import { startFakePlatforms } from "../fakes/platforms.mjs";
import {
  expectAccessible,
  type LocalConversa,
  launchBrowser,
  lookAtBothSizes,
  screenshot,
  signIn,
  VIEWPORTS,
} from "./browser";

let fake: Awaited<ReturnType<typeof startFakePlatforms>>;
let server: LocalConversa;
let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  fake = await startFakePlatforms(0);
  server = await startConversa(8953, { fakePlatformsUrl: fake.url });
  browser = await launchBrowser();
  context = await browser.newContext({
    baseURL: server.base,
    viewport: VIEWPORTS.laptop,
    permissions: ["clipboard-read", "clipboard-write"],
  });
  page = await context.newPage();
  await signIn(page, server.base);
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await fake?.close();
});

const dialog = () => page.getByRole("dialog");

/** The inline error shown under the field labelled `label`. */
const errorOf = (label: string) =>
  page.locator(".field", { has: page.getByLabel(label, { exact: true }) }).locator(".field-error");

/** Each screen whole (its shell too), at both sizes. */
const lookAt = (name: string) => lookAtBothSizes(page, name);

const callsWith = (key: string) =>
  page.request.get("/api/v1/me", { headers: { authorization: `Bearer ${key}` } });

describe("API keys screen", () => {
  it("creates a key shown once with a copy button, and revokes it after confirmation", async () => {
    await page.goto("/settings/api-keys");
    await page.getByRole("heading", { name: "No API keys yet" }).waitFor();
    await expectAccessible(page, "API keys, empty");
    await page.getByRole("button", { name: "Create API key" }).click();

    // a name is required, said beside the field
    await dialog().getByRole("button", { name: "Create API key" }).click();
    await expect
      .poll(() => errorOf("Name").textContent(), { timeout: 15_000 })
      .toBe("This field is required");
    await dialog().getByLabel("Name", { exact: true }).fill("Zapier");
    await dialog().getByLabel("Role").selectOption("agent");
    await screenshot(page, "settings-api-keys-create");
    await dialog().getByRole("button", { name: "Create API key" }).click();

    const secret = dialog().getByLabel("API key");
    await secret.waitFor();
    const key = await secret.inputValue();
    expect(key).toMatch(/^cnv_/);
    await expect(dialog().getByRole("note").textContent()).resolves.toContain(
      "will not be shown again",
    );
    await dialog().getByRole("button", { name: "Copy" }).click();
    await dialog().getByRole("button", { name: "Copied", exact: true }).waitFor();
    await expect(page.evaluate("navigator.clipboard.readText()")).resolves.toBe(key);
    await expectAccessible(page, "the new API key");
    await screenshot(page, "settings-api-keys-secret");
    await dialog().getByRole("button", { name: "I have copied it" }).click();

    const row = page.getByRole("row", { name: /Zapier/ });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain("Agent");
    await expect(row.textContent()).resolves.toContain("Never");
    // the secret is nowhere on the page any more
    await expect(page.content()).resolves.not.toContain(key);
    expect((await callsWith(key)).status()).toBe(200);
    await expectAccessible(page, "API keys");
    await lookAt("settings-api-keys");

    await row.getByRole("button", { name: "Revoke Zapier" }).click();
    await dialog().getByRole("heading", { name: "Revoke “Zapier”?" }).waitFor();
    await dialog().getByRole("button", { name: "Revoke" }).click();
    await page.getByRole("status").filter({ hasText: "“Zapier” revoked" }).waitFor();
    await page.getByRole("heading", { name: "No API keys yet" }).waitFor();
    expect((await callsWith(key)).status()).toBe(401);
  });
});

/** A visitor writes on the demo web chat, which opens a conversation (conversation.created). */
async function visitorStartsConversation(text: string) {
  const session = await fetch(`${server.base}/widget/v1/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ channel_id: server.channelId }),
  });
  const { token } = (await session.json()) as { token: string };
  const sent = await fetch(`${server.base}/widget/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ text }),
  });
  expect(sent.status).toBe(201);
}

const receivedAt = async (path: string) =>
  ((await (await fetch(`${fake.url}/__fake/requests?path=${path}`)).json()) as unknown[]).length;

describe("webhooks screen", () => {
  it("refuses a bad URL beside the field, subscribes, logs a delivery and replays it", async () => {
    await page.goto("/settings/webhooks");
    await page.getByRole("heading", { name: "No webhooks yet" }).waitFor();
    await page.getByRole("button", { name: "Add webhook" }).click();

    // nothing filled in: both the URL and the events are asked for
    await dialog().getByRole("button", { name: "Add webhook" }).click();
    await expect
      .poll(() => errorOf("Endpoint URL").textContent(), { timeout: 15_000 })
      .toBe("Enter a valid URL (https://…)");
    await expect
      .poll(() => dialog().locator("#events-error").textContent(), { timeout: 15_000 })
      .toBe("Choose at least one event");
    await expectAccessible(page, "the webhook form with errors");
    await screenshot(page, "settings-webhooks-errors");

    // a well-formed URL into the private network is refused beside the field too
    await dialog()
      .getByRole("checkbox", { name: /conversation\.created/ })
      .check();
    await dialog().getByLabel("Endpoint URL").fill("http://10.1.2.3/internal");
    await dialog().getByRole("button", { name: "Add webhook" }).click();
    // the earlier error stays beside the field until the server's answer replaces it
    await expect
      .poll(() => errorOf("Endpoint URL").textContent(), { timeout: 15_000 })
      .toBe("Conversa only delivers to public addresses: this one is on a private network.");
    await expect.poll(() => dialog().locator("#events-error").count()).toBe(0);

    const hookPath = "/hooks/settings-e2e";
    await dialog().getByLabel("Endpoint URL").fill(`${fake.url}${hookPath}`);
    await dialog().getByLabel("Description").fill("Local receiver");
    await dialog().getByRole("button", { name: "Add webhook" }).click();
    const secret = dialog().getByLabel("Signing secret");
    await secret.waitFor();
    expect(await secret.inputValue()).toMatch(/^whsec_/);
    await dialog().getByRole("button", { name: "I have copied it" }).click();

    const card = page.locator(".webhook-card", { hasText: hookPath });
    await card.waitFor();
    await expect(card.textContent()).resolves.toContain("conversation.created");
    await expectAccessible(page, "webhooks");
    await lookAt("settings-webhooks");

    await visitorStartsConversation("Hello from the webhooks test");
    await card.getByRole("button", { name: "Deliveries" }).click();
    const delivered = dialog().locator(".delivery-entry", { hasText: "Delivered" });
    while (!(await delivered.isVisible())) {
      await dialog().getByRole("button", { name: "Refresh" }).click();
      await dialog()
        .getByRole("button", { name: "Refresh" })
        .and(page.locator(":enabled"))
        .waitFor();
    }
    await expect(delivered.textContent()).resolves.toContain("conversation.created");
    await expect(delivered.textContent()).resolves.toContain("HTTP 200");
    await expect(delivered.textContent()).resolves.toContain('{"received":true}');
    expect(await receivedAt(hookPath)).toBe(1);
    await expectAccessible(page, "the delivery log");
    await screenshot(page, "settings-webhooks-deliveries");

    await delivered.getByRole("button", { name: "Replay" }).click();
    await page.getByRole("status").filter({ hasText: "Delivery queued again" }).waitFor();
    await expect.poll(() => receivedAt(hookPath), { timeout: 30_000 }).toBe(2);
    await dialog().getByRole("button", { name: "Close" }).click();

    // edit: a new description and one more event
    await card.getByRole("button", { name: `Edit ${fake.url}${hookPath}` }).click();
    await dialog().getByLabel("Description").fill("Local receiver, all conversations");
    await dialog()
      .getByRole("checkbox", { name: /conversation\.closed/ })
      .check();
    await dialog().getByRole("button", { name: "Save" }).click();
    await page.getByRole("status").filter({ hasText: "Webhook saved" }).waitFor();
    await expect
      .poll(() => card.textContent(), { timeout: 15_000 })
      .toContain("conversation.closed");
    await expect(card.textContent()).resolves.toContain("all conversations");

    // pause from the card
    await card.getByRole("switch").click();
    await page.getByRole("status").filter({ hasText: "Webhook paused" }).waitFor();
    await expect
      .poll(() => card.getByRole("switch").getAttribute("aria-checked"), { timeout: 15_000 })
      .toBe("false");

    await card.getByRole("button", { name: `Delete ${fake.url}${hookPath}` }).click();
    await dialog().getByRole("button", { name: "Delete" }).click();
    await page.getByRole("heading", { name: "No webhooks yet" }).waitFor();
  });
});

describe("audit log screen", () => {
  it("filters by action, object type and dates, saying when the range is wrong", async () => {
    await page.goto("/settings/audit-log");
    const table = page.getByRole("table", { name: "Audit log" });
    await table.waitFor();
    const actions = async () => (await table.locator(".audit-action").allTextContents()).sort();
    await expect
      .poll(actions, { timeout: 15_000 })
      .toEqual(expect.arrayContaining(["api_key.created", "api_key.revoked", "webhook.created"]));
    await expectAccessible(page, "the audit log");
    await lookAt("settings-audit-log");

    await page.getByLabel("Action").selectOption("webhook.created");
    await expect.poll(actions, { timeout: 15_000 }).toEqual(["webhook.created"]);
    await page.getByLabel("Action").selectOption("webhook");
    await expect
      .poll(actions, { timeout: 15_000 })
      .toEqual(["webhook.created", "webhook.deleted", "webhook.updated", "webhook.updated"]);
    await page.getByLabel("Action").selectOption("");
    await page.getByLabel("Object type").selectOption("api_key");
    await expect.poll(actions, { timeout: 15_000 }).toEqual(["api_key.created", "api_key.revoked"]);
    await expect(table.textContent()).resolves.toContain("Demo Admin");

    // a range that ends before it starts is refused beside "To"
    await page.getByLabel("From").fill("2030-01-02");
    await page.getByLabel("To").fill("2030-01-01");
    await expect
      .poll(() => errorOf("To").textContent(), { timeout: 15_000 })
      .toBe("Must be on or after the start date");
    await page.getByLabel("To").fill("2030-01-03");
    await page.getByRole("heading", { name: "No entries match these filters" }).waitFor();
    await screenshot(page, "settings-audit-log-filtered");
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect
      .poll(actions, { timeout: 15_000 })
      .toEqual(expect.arrayContaining(["webhook.created"]));
  });
});
