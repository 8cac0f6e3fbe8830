/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from "playwright-core";
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
  server = await startConversa(8945);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

/** A visitor of the demo web chat who writes `text`, opening a conversation. */
async function visitorWrites(name: string, text: string) {
  const session = await fetch(`${server.base}/widget/v1/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ channel_id: server.channelId, name }),
  });
  const { token } = (await session.json()) as { token: string };
  const sent = await fetch(`${server.base}/widget/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ text }),
  });
  expect(sent.status).toBe(201);
  return ((await sent.json()) as { conversation_id: string }).conversation_id;
}

/** Records desktop notifications; the permission is asked of the real API (granted by the context). */
const RECORD_NOTIFICATIONS = () => {
  const shown: { title: string; body?: string }[] = [];
  // the answer outlives reloads, as the browser's own does
  const state = {
    get asked() {
      return Number(sessionStorage.getItem("asked") ?? 0);
    },
    set asked(n: number) {
      sessionStorage.setItem("asked", String(n));
    },
  };
  const Real = window.Notification;
  class Recorded {
    onclick: (() => void) | null = null;
    constructor(title: string, options?: { body?: string }) {
      shown.push({ title, body: options?.body });
    }
    close() {}
    static get permission() {
      return state.asked > 0 ? Real.permission : "default";
    }
    static async requestPermission() {
      state.asked++;
      return Real.requestPermission();
    }
  }
  Object.assign(window, { __notifications: shown, __permission: state, Notification: Recorded });
};

const rowNames = (page: Page) => page.locator(".item .row-name").allTextContents();
/** A built-in view's button: its name, then its count when it has one. */
const viewNamed = (name: string) => new RegExp(`^${name}( \\d+\\+?)?$`);
const view = (page: Page, name: string) =>
  page.locator(".views-docked").getByRole("button", { name: viewNamed(name) });

describe("the inbox list", () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    await visitorWrites("Ana Lima", "Where is my order 1001?");
    await visitorWrites("Bruno Costa", "Can I change my address?");
    await visitorWrites("Carla Dias", "The invoice total looks wrong");
    context = await browser.newContext({ baseURL: server.base, viewport: VIEWPORTS.laptop });
    await context.grantPermissions(["notifications"], { origin: server.base });
    await context.addInitScript(RECORD_NOTIFICATIONS);
    page = await context.newPage();
    await signIn(page, server.base);
    await page.locator(".item").nth(2).waitFor();
  });

  afterAll(async () => {
    await context?.close();
  });

  it("shows rows with channel, status and unread count, views with counts, and passes axe", async () => {
    await expect
      .poll(() => rowNames(page), { timeout: 15_000 })
      .toEqual(["Carla Dias", "Bruno Costa", "Ana Lima"]);
    const carla = page.locator(".item", { hasText: "Carla Dias" });
    await expect.poll(() => carla.locator(".badge").textContent(), { timeout: 15_000 }).toBe("1");
    await expect
      .poll(() => carla.locator(".row-channel").getAttribute("title"), { timeout: 15_000 })
      .toBe("Web chat");
    await expect.poll(() => carla.locator(".pill").textContent(), { timeout: 15_000 }).toBe("Open");
    await view(page, "Unassigned").locator(".view-count", { hasText: "3" }).waitFor();
    await screenshot(page, "inbox-list");
    await expectAccessible(page, "the inbox list");
  });

  it("asks for desktop notifications only from the banner, then notifies of a new conversation", async () => {
    expect(
      await page.evaluate(
        () => (window as never as { __permission: { asked: number } }).__permission.asked,
      ),
    ).toBe(0);
    const banner = page.getByRole("region", { name: "Desktop notifications" });
    await banner.waitFor();
    await banner.getByRole("button", { name: "Turn on" }).click();
    await banner.waitFor({ state: "detached" });
    expect(await page.evaluate(() => Notification.permission)).toBe("granted");

    await visitorWrites("Dora Reis", "Do you ship to Madeira?");
    await page.locator(".item", { hasText: "Dora Reis" }).waitFor();
    const shown = await page.waitForFunction(() => {
      const list = (window as never as { __notifications: { title: string }[] }).__notifications;
      return list.length > 0 ? list : null;
    });
    expect(await shown.jsonValue()).toEqual([
      { title: "New conversation from Dora Reis", body: "Do you ship to Madeira?" },
    ]);
  });

  it("filters by view, assigns in bulk, and counts my unread conversations in the tab title", async () => {
    await view(page, "Mine").click();
    await page.getByRole("heading", { name: "Nothing assigned to you" }).waitFor();
    await view(page, "All").click();
    await page.locator(".item", { hasText: "Ana Lima" }).waitFor();
    await page.getByRole("checkbox", { name: "Select conversation with Ana Lima" }).check();
    const toolbar = page.getByRole("toolbar", { name: "Actions for the selected conversations" });
    await toolbar.getByText("1 selected").waitFor();
    await toolbar.getByRole("button", { name: "Assign" }).click();
    await page.getByRole("menuitem", { name: /\(you\)$/ }).click();
    await page.getByText("1 conversation updated").waitFor();
    await page.waitForFunction(() => document.title.startsWith("(1) Conversa"));

    await view(page, "Mine").click();
    // Ana's row is also in the list of all until the list of mine replaces it
    await expect.poll(() => rowNames(page), { timeout: 15_000 }).toEqual(["Ana Lima"]);
    // opening it reads it: the badge and the title count go
    await page.locator(".item", { hasText: "Ana Lima" }).locator(".row-link").click();
    await page.waitForFunction(() => !document.title.startsWith("("));
    await view(page, "All").click();
  });

  it("sorts, and saves the filters as a view that can be renamed and deleted", async () => {
    await page.getByRole("combobox", { name: "Sort by" }).selectOption("oldest");
    await page.waitForFunction(
      () => document.querySelector(".item .row-name")?.textContent === "Ana Lima",
    );
    await expect
      .poll(() => rowNames(page), { timeout: 15_000 })
      .toEqual(["Ana Lima", "Bruno Costa", "Carla Dias", "Dora Reis"]);

    await page.getByRole("button", { name: "Save current filters as a view" }).click();
    const dialog = page.getByRole("dialog", { name: "Save this view" });
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.getByText("This field is required").waitFor();
    await screenshot(page, "inbox-save-view");
    await dialog.getByLabel("Name").fill("Oldest first");
    await dialog.getByRole("button", { name: "Save" }).click();
    const saved = page
      .locator(".views-docked")
      .getByRole("button", { name: "Oldest first", exact: true });
    await saved.waitFor();
    await expect
      .poll(() => page.locator(".list-title").textContent(), { timeout: 15_000 })
      .toBe("Oldest first");

    await page.getByRole("button", { name: "Actions for Oldest first" }).click();
    await page.getByRole("menuitem", { name: "Rename" }).click();
    const rename = page.getByRole("dialog", { name: "Rename view" });
    await rename.getByLabel("Name").fill("Longest history");
    await rename.getByRole("button", { name: "Save" }).click();
    await page
      .locator(".views-docked")
      .getByRole("button", { name: "Longest history", exact: true })
      .waitFor();

    await page.getByRole("button", { name: "Actions for Longest history" }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await page.getByText("Save a set of filters to come back to it in one click.").waitFor();
    await page.getByRole("combobox", { name: "Sort by" }).selectOption("newest");
    await page.waitForFunction(
      () => document.querySelector(".item .row-name")?.textContent === "Dora Reis",
    );
  });

  it("moves through conversations with j and k, and shows the cheat sheet with ?", async () => {
    await page.goto("/");
    await page.locator(".item").nth(3).waitFor();
    const ids = await page
      .locator(".item")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-conversation")));
    await page.keyboard.press("j");
    await page.waitForURL((url) => url.pathname === `/c/${ids[0]}`);
    await page.keyboard.press("j");
    await page.waitForURL((url) => url.pathname === `/c/${ids[1]}`);
    await page.keyboard.press("k");
    await page.waitForURL((url) => url.pathname === `/c/${ids[0]}`);
    // typing in a field is never a shortcut
    await page.getByRole("searchbox", { name: "Search messages" }).fill("jk");
    expect(page.url()).toContain(`/c/${ids[0]}`);
    await page.getByRole("searchbox", { name: "Search messages" }).press("Enter");
    await page.getByText("No messages match").waitFor();
    await page.getByRole("button", { name: "Clear search" }).click();

    await page.locator(".item").first().locator(".row-link").focus();
    await page.keyboard.press("?");
    const sheet = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await sheet.waitFor();
    await screenshot(page, "inbox-shortcuts");
    await expectAccessible(page, "the shortcut cheat sheet");
    await page.keyboard.press("Escape");
    await sheet.waitFor({ state: "detached" });
  });

  it("closes the selected conversations in bulk", async () => {
    await page.goto("/");
    await page.locator(".item").nth(3).waitFor();
    await page.getByRole("checkbox", { name: "Select all" }).check();
    await page.getByRole("toolbar").getByRole("button", { name: "Close" }).click();
    const closing = page.getByRole("dialog", { name: "Close 4 conversations?" });
    await closing.getByLabel("Note").waitFor();
    await screenshot(page, "inbox-bulk-close");
    await closing.locator(".dialog-foot").getByRole("button", { name: "Close" }).click();
    await page.getByRole("heading", { name: "No conversations yet" }).waitFor();
    await page
      .locator(".views-docked")
      .getByRole("combobox", { name: "Status" })
      .selectOption("closed");
    await page.locator(".item").nth(3).waitFor();
    await screenshot(page, "inbox-closed");
  });
});

describe("the inbox on a phone", () => {
  it("shows the list full width, the conversation alone, and the views in a drawer", async () => {
    await visitorWrites("Eva Rocha", "Hello from my phone");
    const context = await browser.newContext({ baseURL: server.base, viewport: VIEWPORTS.phone });
    const page = await context.newPage();
    await signIn(page, server.base);
    const row = page.locator(".item", { hasText: "Eva Rocha" });
    await row.waitFor();
    await screenshot(page, "inbox-list");
    await page.getByRole("button", { name: "Views and filters" }).click();
    const drawer = page.getByRole("dialog", { name: "Views" });
    await drawer.getByRole("button", { name: viewNamed("Unassigned") }).waitFor();
    await screenshot(page, "inbox-views");
    await expectAccessible(page, "the views drawer on a phone");
    await drawer.getByRole("button", { name: viewNamed("Unassigned") }).click();
    await drawer.waitFor({ state: "detached" });
    await row.locator(".row-link").click();
    await page.waitForURL("**/c/**");
    await expect.poll(() => page.locator("section.list").isVisible()).toBe(false);
    // the conversation's composer: the pane has loaded
    await page.locator("textarea").first().waitFor();
    await screenshot(page, "inbox-conversation");
    await context.close();
  });
});
