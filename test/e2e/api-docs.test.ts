import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import { type LocalConversa, launchBrowser, SHOTS } from "./browser";
import { cspViolations } from "./csp";

let server: LocalConversa;
let browser: Browser;

beforeAll(async () => {
  server = await startConversa(8932);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

describe("API docs", () => {
  it("render the Conversa operations with nothing but our own origin reachable, under their policy", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const violations = await cspViolations(page);
    const elsewhere: string[] = [];
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (new URL(url).origin === server.base) return route.continue();
      elsewhere.push(url);
      return route.abort("internetdisconnected");
    });

    await page.goto(`${server.base}/api/docs`);
    await page.locator(".info .title", { hasText: "Conversa API" }).waitFor();
    const send = page.locator(".opblock-post", { hasText: "/api/v1/messages" }).first();
    await send.waitFor();
    expect(await page.locator(".opblock").count()).toBeGreaterThan(50);
    await page
      .locator(".opblock-get .opblock-summary-path", { hasText: /^\/api\/v1\/contacts$/ })
      .waitFor();

    // an operation opens with an example body built from its schema
    await send.locator(".opblock-summary").click();
    await send.locator(".opblock-body", { hasText: "channel_id" }).waitFor();
    await page.screenshot({ path: `${SHOTS}/api-docs.png` });

    expect(elsewhere).toEqual([]);
    expect(violations).toEqual([]);
  });
});
