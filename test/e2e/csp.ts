import type { Page } from "playwright-core";

/**
 * Content-Security-Policy violations of a page and its frames, as Chromium reports them:
 * the `securitypolicyviolation` events and its own "Refused to …" console errors.
 */
export async function cspViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  // runs in the page (and its frames) before any of its own scripts
  await page.addInitScript({
    content: `document.addEventListener("securitypolicyviolation", (event) =>
      console.error("Content Security Policy violation: " + event.effectiveDirective + " blocked " + event.blockedURI));`,
  });
  return violations;
}
