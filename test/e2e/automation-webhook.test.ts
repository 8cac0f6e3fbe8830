import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callAs, type LocalConversa, lookAtBothSizes, signedInSession } from "./browser";

let server: LocalConversa;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await signedInSession(8995, {
    permissions: ["clipboard-read", "clipboard-write"],
  }));
  // a migrated, seeded local server starts slowly on a busy machine
}, 420_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

/** A JSON call as the signed-in admin. */
const call = <T = Record<string, unknown>>(method: string, path: string, data?: unknown) =>
  callAs<T>(page, server.base, method, path, data);

const lookAt = (name: string) => lookAtBothSizes(page, name, "#main");

describe("the webhook trigger in the automation editor", () => {
  it("shows a webhook automation's URL to copy and rotate, and how to sign calls", async () => {
    const created = await call<{ id: string; webhook_url: string }>("POST", "/api/v1/automations", {
      name: "Orders from the shop",
      trigger: { type: "webhook", secret: "a-long-enough-signing-secret" },
      steps: [{ type: "add_tag", tag: "customer" }],
    });
    await page.goto(`/automations/${created.id}`);
    const url = page.getByRole("textbox", { name: "Webhook URL" });
    await url.waitFor();
    expect(await url.inputValue()).toBe(created.webhook_url);
    await page.getByText("X-Conversa-Signature: sha256=$sig").waitFor();
    await page.getByRole("button", { name: "Copy", exact: true }).click();
    await page.getByRole("button", { name: "Copied", exact: true }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(created.webhook_url);
    await lookAt("automations-webhook");

    await page.getByRole("button", { name: "Rotate URL" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("The current URL stops working at once").waitFor();
    await dialog.getByRole("button", { name: "Rotate URL" }).click();
    await expect.poll(() => url.inputValue(), { timeout: 15_000 }).not.toBe(created.webhook_url);
    const rotated = await call<{ webhook_url: string }>("GET", `/api/v1/automations/${created.id}`);
    expect(await url.inputValue()).toBe(rotated.webhook_url);

    await page.goto("/automations/new");
    await page.getByRole("combobox", { name: "Trigger" }).selectOption("webhook");
    await page.getByText("Save the automation to get its URL.").waitFor();
    await page.getByRole("combobox", { name: "Trigger" }).selectOption("schedule");
    await page.getByText("or once without a contact when it has none").waitFor();
  });
});
