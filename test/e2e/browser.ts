import { mkdirSync } from "node:fs";
import { AxeBuilder } from "@axe-core/playwright";
import { type Browser, type BrowserContextOptions, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import { DEMO_LOGIN } from "../../scripts/seed.mjs";

/** A local Conversa as `startConversa` gives it. */
export type LocalConversa = Awaited<ReturnType<typeof startConversa>>;

/** Where browser tests leave their screenshots. */
export const SHOTS = "test-results";

/** The machine's Chromium, headless, with the screenshots folder ready. */
export function launchBrowser(): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
}

/** A JSON call to the API at `base` with the page's session (204: undefined); throws when refused. */
export async function callAs<T = Record<string, unknown>>(
  page: Page,
  base: string,
  method: string,
  path: string,
  data?: unknown,
) {
  const response = await page.request.fetch(path, { method, data, headers: { origin: base } });
  if (!response.ok())
    throw new Error(`${method} ${path}: ${response.status()} ${await response.text()}`);
  return (response.status() === 204 ? undefined : await response.json()) as T;
}

/**
 * A fresh Conversa on `port` (its channels calling the fake platforms at `fakePlatformsUrl`, if
 * given) and a page (laptop-sized unless `context` says otherwise) with the demo admin signed in;
 * what started is stopped again when the start fails half-way.
 */
export async function signedInSession(
  port: number,
  {
    context = {},
    permissions = [],
    fakePlatformsUrl,
  }: {
    context?: BrowserContextOptions;
    permissions?: string[];
    fakePlatformsUrl?: string;
  } = {},
) {
  const server = await startConversa(port, { fakePlatformsUrl });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const pages = await browser.newContext({
      viewport: VIEWPORTS.laptop,
      ...context,
      baseURL: server.base,
    });
    if (permissions.length) await pages.grantPermissions(permissions, { origin: server.base });
    const page = await pages.newPage();
    await signIn(page, server.base);
    return { server, browser, page };
  } catch (error) {
    await browser?.close();
    server.stop();
    throw error;
  }
}

/** Signs the demo admin in to the inbox at `base`, waiting until the inbox shows. */
export async function signIn(page: Page, base: string) {
  await page.goto(`${base}/`);
  await page.fill("input[name=email]", DEMO_LOGIN.email);
  await page.fill("input[name=password]", DEMO_LOGIN.password);
  await page.click("button[type=submit]");
  await page.waitForSelector("nav.rail");
}

/** The two sizes every screen is looked at: a laptop and a phone. */
export const VIEWPORTS = {
  laptop: { width: 1366, height: 800 },
  phone: { width: 390, height: 844 },
} as const;

/** Saves `test-results/<name>-<laptop|phone>.png`, named by the page's current width. */
export async function screenshot(page: Page, name: string) {
  const size = (page.viewportSize()?.width ?? 1366) < 600 ? "phone" : "laptop";
  await page.screenshot({ path: `${SHOTS}/${name}-${size}.png` });
}

/** Fades and slides finished (a toast fading in has no contrast yet; endless spinners aside), or 3 s gone by. */
async function animationsSettled(page: Page) {
  await page
    .waitForFunction(
      () =>
        document
          .getAnimations()
          .every(
            (animation) =>
              animation.playState !== "running" ||
              animation.effect?.getComputedTiming().iterations === Number.POSITIVE_INFINITY,
          ),
      undefined,
      { timeout: 3000 },
    )
    .catch(() => {});
}

/**
 * Fails on any serious or critical accessibility violation axe finds on the page as it is, or
 * only within `within` (a selector) when the rest is another test's to check.
 */
export async function expectAccessible(page: Page, what: string, within?: string) {
  await animationsSettled(page);
  const axe = new AxeBuilder({ page });
  const { violations } = await (within ? axe.include(within) : axe).analyze();
  const serious = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(serious, `accessibility of ${what}`).toEqual([]);
}

/** The page fits the window's width: it may scroll down, never sideways. */
export async function expectNoSidewaysScroll(page: Page, what: string) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, `${what} scrolls sideways by ${overflow}px`).toBeLessThanOrEqual(0);
}

/**
 * Looks at the screen as it is on a laptop and on a phone: axe at each size (within `within`, a
 * selector, or the whole page), no sideways scroll on the phone, and a screenshot of each.
 */
export async function lookAtBothSizes(page: Page, name: string, within?: string) {
  await expectAccessible(page, name, within);
  await screenshot(page, name);
  await page.setViewportSize(VIEWPORTS.phone);
  await expectAccessible(page, `${name} on a phone`, within);
  await expectNoSidewaysScroll(page, `${name} on a phone`);
  await screenshot(page, name);
  await page.setViewportSize(VIEWPORTS.laptop);
}
