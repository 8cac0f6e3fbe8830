import { mkdirSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import type { startConversa } from "../../scripts/local-server.mjs";
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

/** Signs the demo admin in to the inbox at `base`, waiting until the inbox shows. */
export async function signIn(page: Page, base: string) {
  await page.goto(`${base}/`);
  await page.fill("input[name=email]", DEMO_LOGIN.email);
  await page.fill("input[name=password]", DEMO_LOGIN.password);
  await page.click("button[type=submit]");
  await page.waitForSelector("nav.sidebar");
}
