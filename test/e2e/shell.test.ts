import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
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

beforeAll(async () => {
  server = await startConversa(8954);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

async function signedIn(options: {
  locale?: string;
  viewport?: { width: number; height: number };
}) {
  const context = await browser.newContext({
    baseURL: server.base,
    viewport: options.viewport ?? VIEWPORTS.laptop,
    ...(options.locale ? { locale: options.locale } : {}),
  });
  const page = await context.newPage();
  await signIn(page, server.base);
  return page;
}

const rail = (page: Page) => page.getByRole("navigation", { name: "Main" });

describe("the app shell", () => {
  it("moves between Inbox, Contacts and Settings from the rail, and through the settings menu", async () => {
    const page = await signedIn({});
    await rail(page).getByRole("link", { name: "Contacts" }).click();
    await page.waitForURL("**/contacts");
    await expect
      .poll(() => rail(page).getByRole("link", { name: "Contacts" }).getAttribute("aria-current"))
      .toBe("page");

    await rail(page).getByRole("link", { name: "Settings" }).click();
    // on a laptop the settings open at their first screen
    await page.waitForURL("**/settings/profile");
    const menu = page.getByRole("navigation", { name: "Settings sections" });
    for (const [name, path, heading] of [
      ["API keys", "/settings/api-keys", "API keys"],
      ["Webhooks", "/settings/webhooks", "Webhooks"],
      ["Audit log", "/settings/audit-log", "Audit log"],
    ] as const) {
      await menu.getByRole("link", { name }).click();
      await page.waitForURL(`**${path}`);
      await page.getByRole("heading", { level: 1, name: heading }).waitFor();
      await expect(menu.getByRole("link", { name }).getAttribute("aria-current")).resolves.toBe(
        "page",
      );
    }
    await expectAccessible(page, "settings");
    await screenshot(page, "shell-settings");

    await rail(page).getByRole("link", { name: "Inbox" }).click();
    // the inbox writes its list filters into the address
    await page.waitForURL((url) => url.pathname === "/");
    await expect
      .poll(() => rail(page).getByRole("link", { name: "Inbox" }).getAttribute("aria-current"))
      .toBe("page");
    // the inbox's own page is checked by its own tests
    await screenshot(page, "shell-inbox");
  });

  it("shows the 404 page for paths it does not know, in the app and in settings", async () => {
    const page = await signedIn({});
    for (const path of ["/nowhere", "/settings/nope"]) {
      await page.goto(path);
      await page.getByRole("heading", { name: "Page not found" }).waitFor();
      await rail(page).waitFor();
    }
    await expectAccessible(page, "the 404 page");
    await screenshot(page, "shell-not-found");
    await page.getByRole("link", { name: "Back to the inbox" }).click();
    // the inbox writes its list filters into the address
    await page.waitForURL((url) => url.pathname === "/");
  });

  it("on a phone: the rail is a tab bar at the bottom, the settings menu its own page with a way back", async () => {
    const page = await signedIn({ viewport: VIEWPORTS.phone });
    const bar = await rail(page).boundingBox();
    expect(bar?.y ?? 0).toBeGreaterThan(VIEWPORTS.phone.height - 100);
    expect(bar?.width).toBe(VIEWPORTS.phone.width);
    // the last sections fold into "More", so no tab's label is cut short
    const cut = await rail(page)
      .locator(".rail-label")
      .evaluateAll((labels) =>
        labels
          .filter((l) => (l as HTMLElement).offsetParent && l.scrollWidth > l.clientWidth)
          .map((l) => l.textContent),
      );
    expect(cut).toEqual([]);
    await expect(rail(page).getByRole("link", { name: "Sent" }).isVisible()).resolves.toBe(false);

    await rail(page).getByRole("button", { name: "More" }).click();
    await page.getByRole("menuitem", { name: "Scheduled" }).waitFor();
    await screenshot(page, "shell-more-menu");
    await page.getByRole("menuitem", { name: "Settings" }).click();
    await page.waitForURL("**/settings");
    const menu = page.getByRole("navigation", { name: "Settings sections" });
    await menu.getByRole("link", { name: "Webhooks" }).waitFor();
    await expectAccessible(page, "the settings menu on a phone");
    await screenshot(page, "shell-settings-menu");

    await menu.getByRole("link", { name: "Webhooks" }).click();
    await page.getByRole("heading", { level: 1, name: "Webhooks" }).waitFor();
    await expect(menu.isVisible()).resolves.toBe(false);
    await screenshot(page, "shell-settings-screen");
    await page.getByRole("link", { name: "Settings", exact: true }).first().waitFor();
    await page.locator(".settings-back").click();
    await page.waitForURL("**/settings");
    await menu.getByRole("link", { name: "Audit log" }).waitFor();
  });

  it("in Arabic: right to left, with the rail on the right", async () => {
    const page = await signedIn({ locale: "ar" });
    await expect(page.locator("html").getAttribute("dir")).resolves.toBe("rtl");
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("ar");
    const bar = await page.locator("nav.rail").boundingBox();
    expect(bar?.x ?? 0).toBeGreaterThan(VIEWPORTS.laptop.width - 100);

    await page.goto("/settings/webhooks");
    await page.getByRole("heading", { level: 1, name: "خطافات الويب" }).waitFor();
    const menu = await page.locator(".settings-menu").boundingBox();
    const screen = await page.locator(".settings-screen").boundingBox();
    // the menu sits right of the screen, next to the rail
    expect(menu?.x ?? 0).toBeGreaterThan(screen?.x ?? 0);
    await page.getByRole("button", { name: "إضافة Webhook" }).first().waitFor();
    await expectAccessible(page, "settings in Arabic");
    await screenshot(page, "shell-arabic");
  });

  it("signs in in the browser's language", async () => {
    const context = await browser.newContext({ baseURL: server.base, locale: "fr-FR" });
    const page = await context.newPage();
    await page.goto("/");
    await page.getByRole("heading", { name: "Connexion" }).waitFor();
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("fr");
    await page.fill("input[name=email]", "admin@demo.local");
    await page.fill("input[name=password]", "not the password");
    await page.click("button[type=submit]");
    await expect
      .poll(() => page.getByRole("alert").textContent(), { timeout: 15_000 })
      .toBe("Cet e-mail et ce mot de passe ne correspondent pas. Vérifiez-les et réessayez.");
    await expectAccessible(page, "the sign-in screen");
    await screenshot(page, "sign-in");
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, "sign-in");
  });
});
