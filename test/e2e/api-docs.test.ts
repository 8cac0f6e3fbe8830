import type { Browser, Page } from "playwright-core";
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

/** Scrolls down a screen at a time until `done` holds or the page ends; true when it held. */
async function scrollUntil(page: Page, done: () => Promise<boolean>) {
  for (let step = 0; step < 400; step++) {
    if (await done()) return true;
    const atEnd = await page.evaluate(
      () => window.innerHeight + window.scrollY >= document.body.scrollHeight - 2,
    );
    if (atEnd) return false;
    await page.mouse.wheel(0, 700);
    await page.waitForTimeout(50);
  }
  return false;
}

/** Every operation ("GET /api/v1/contacts") the page renders on the way to its end. */
async function scrollThrough(page: Page) {
  const seen = new Set<string>();
  await scrollUntil(page, async () => {
    const summaries = await page
      .locator(".opblock-summary")
      .evaluateAll((nodes) =>
        nodes.map(
          (n) =>
            `${n.querySelector(".opblock-summary-method")?.textContent ?? ""} ${n.querySelector(".opblock-summary-path")?.textContent ?? ""}`,
        ),
      );
    for (const summary of summaries) seen.add(summary.replace(/\u200b/g, "").trim());
    return false;
  });
  return seen;
}

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
    await page.locator(".opblock").first().waitFor();
    // a long document renders only the operations near the viewport: scroll through it
    const seen = await scrollThrough(page);
    expect(seen.size).toBeGreaterThan(100);
    expect(seen).toContain("GET /api/v1/contacts");
    expect(seen).toContain("POST /api/v1/broadcasts");
    await page.evaluate(() => window.scrollTo(0, 0));
    const send = page
      .locator(".opblock-post", {
        has: page.locator(".opblock-summary-path", { hasText: /^\/api\/v1\/messages$/ }),
      })
      .first();
    await scrollUntil(page, async () => (await send.count()) > 0);
    await send.scrollIntoViewIfNeeded();

    // an operation opens with an example body built from its schema
    await send.locator(".opblock-summary").click();
    await send.locator(".opblock-body", { hasText: "channel_id" }).waitFor();
    await page.screenshot({ path: `${SHOTS}/api-docs.png` });

    expect(elsewhere).toEqual([]);
    expect(violations).toEqual([]);
  });
});
