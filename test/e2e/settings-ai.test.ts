import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import { startFakePlatforms } from "../fakes/platforms.mjs";
import {
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
