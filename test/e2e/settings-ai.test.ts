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
  VIEWPORTS,
} from "./browser";

let server: LocalConversa;
let browser: Browser;
let page: Page;
let fake: Awaited<ReturnType<typeof startFakePlatforms>>;

beforeAll(async () => {
  fake = await startFakePlatforms(0);
  server = await startConversa(8966, { fakePlatformsUrl: fake.url });
  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: VIEWPORTS.laptop, baseURL: server.base });
  page = await context.newPage();
  await signIn(page, server.base);
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await fake?.close();
});

const field = (name: string) => page.getByLabel(name, { exact: true });

describe("Settings → AI", () => {
  it("shows the demo's provider with only the key's end, saves budgets and refuses a private URL", async () => {
    await page.goto("/settings/ai");
    await expect.poll(() => field("Provider URL").inputValue()).toBe(`${fake.url}/openai/v1`);
    await page.getByText("Set · …fake.").waitFor();
    expect(await field("API key").inputValue()).toBe("");
    expect(await page.content()).not.toContain("sk-demo-local");
    await expect
      .poll(() => page.getByRole("switch", { name: "AI features on" }).getAttribute("aria-checked"))
      .toBe("true");
    await page.getByText("0 of 1,000,000 tokens used").waitFor();
    await expectAccessible(page, "AI settings", "#main");
    await screenshot(page, "settings-ai");
    await page.locator(".ai-usage").screenshot({ path: "test-results/settings-ai-usage.png" });
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, "settings-ai");
    await page.setViewportSize(VIEWPORTS.laptop);

    await field("Tokens per month").fill("5000");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("AI settings saved").waitFor();
    await page.getByText("0 of 5,000 tokens used").waitFor();
    const saved = await (await page.request.get("/api/v1/ai/settings")).json();
    expect(saved).toMatchObject({ monthly_token_budget: 5000, api_key_set: true });

    await field("Provider URL").fill("http://10.1.2.3/v1");
    await field("API key").fill("sk-new-key-9999");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByRole("alert").filter({ hasText: "must be a public address" }).waitFor();
    await screenshot(page, "settings-ai-refused");
    const unchanged = await (await page.request.get("/api/v1/ai/settings")).json();
    expect(unchanged).toMatchObject({ base_url: `${fake.url}/openai/v1`, api_key_last4: "fake" });
  });

  it("lists a copilot call below usage, which opens on its prompt with personal data masked", async () => {
    await callAs(page, server.base, "PUT", "/api/v1/ai/settings", { redact_pii: true });
    const session = await fetch(`${server.base}/widget/v1/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ channel_id: server.channelId, name: "Lucía" }),
    });
    const { token } = (await session.json()) as { token: string };
    const sent = await fetch(`${server.base}/widget/v1/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ text: "Write to lucia@example.com or call +34 612 34 56 78" }),
    });
    const { conversation_id: id } = (await sent.json()) as { conversation_id: string };
    await callAs(page, server.base, "POST", `/api/v1/conversations/${id}/copilot/suggest`);

    await page.goto("/settings/ai");
    const calls = page.getByRole("region", { name: "Recent AI calls" });
    const call = calls.locator("li.ai-call").filter({ hasText: "Copilot" }).first();
    await call.getByText("Answered").waitFor();
    expect(await call.getByRole("link", { name: "Conversation" }).getAttribute("href")).toBe(
      `/c/${id}`,
    );
    await call.locator("summary").click();
    await call.getByText("Write to [email] or call [phone]").waitFor();
    await call.getByText("Personal data was masked.").waitFor();
    expect(await page.content()).not.toContain("lucia@example.com");
    await page
      .getByText("Email addresses, phone numbers, payment card numbers and IBANs", { exact: false })
      .waitFor();
    await expectAccessible(page, "AI settings with an open call", "#main");
    await call.screenshot({ path: "test-results/settings-ai-call.png" });
  });

  it("reads right to left in Arabic", async () => {
    const context = await browser.newContext({ locale: "ar", viewport: VIEWPORTS.laptop });
    const arabic = await context.newPage();
    await signIn(arabic, server.base);
    await arabic.goto(`${server.base}/settings/ai`);
    await arabic.getByRole("heading", { name: "المزوّد" }).waitFor();
    expect(await arabic.evaluate(() => document.documentElement.dir)).toBe("rtl");
    await expectAccessible(arabic, "AI settings in Arabic", "#main");
    await screenshot(arabic, "settings-ai-ar");
    await arabic.setViewportSize(VIEWPORTS.phone);
    await screenshot(arabic, "settings-ai-ar");
    await context.close();
  });
});
