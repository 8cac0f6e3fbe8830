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
  server = await startConversa(8960);
  browser = await launchBrowser();
  await visitorWrites("Dana Dark", "Hello, is my order on its way?");
  await visitorWrites("Omar Old", "The invoice shows the wrong address");
  await visitorSendsFile("Fiona File");
}, 400_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

async function visitorSession(name: string) {
  const session = await fetch(`${server.base}/widget/v1/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ channel_id: server.channelId, name }),
  });
  return ((await session.json()) as { token: string }).token;
}

/** A visitor of the demo web chat who writes `text`, opening a conversation. */
async function visitorWrites(name: string, text: string) {
  const sent = await fetch(`${server.base}/widget/v1/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${await visitorSession(name)}`,
    },
    body: JSON.stringify({ text }),
  });
  expect(sent.status).toBe(201);
}

/** A visitor whose only message is a file. */
async function visitorSendsFile(name: string) {
  const form = new FormData();
  form.append("file", new Blob(["%PDF-1.4 receipt"], { type: "application/pdf" }), "receipt.pdf");
  const sent = await fetch(`${server.base}/widget/v1/attachments`, {
    method: "POST",
    headers: { authorization: `Bearer ${await visitorSession(name)}` },
    body: form,
  });
  expect(sent.status).toBe(201);
}

async function signedIn(options: Parameters<Browser["newContext"]>[0] = {}) {
  const context = await browser.newContext({
    viewport: VIEWPORTS.laptop,
    baseURL: server.base,
    ...options,
  });
  const page = await context.newPage();
  await signIn(page, server.base);
  return { context, page };
}

const rowNames = (page: Page) => page.locator(".item .row-name").allTextContents();
const row = (page: Page, name: string) => page.locator(".item", { hasText: name });

describe("the agent app in dark mode", () => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await browser.newContext({
      viewport: VIEWPORTS.laptop,
      baseURL: server.base,
      colorScheme: "dark",
    });
    page = await context.newPage();
  });
  afterAll(() => context?.close());

  it("shows sign-in, the inbox, a conversation, contacts and settings on dark surfaces", async () => {
    await page.goto(`${server.base}/`);
    await page.locator("input[name=email]").waitFor();
    await screenshot(page, "dark-login");
    await signIn(page, server.base);
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(background).toBe("rgb(15, 19, 25)");

    await page.goto(`${server.base}/?view=all&status=`);
    await row(page, "Dana Dark").waitFor();
    await screenshot(page, "dark-inbox");
    await expectAccessible(page, "the inbox in dark mode");

    await row(page, "Dana Dark").locator(".row-link").click();
    await page.locator("textarea[name=composer]").waitFor();
    await page.locator(".message", { hasText: "order on its way" }).waitFor();
    await page.locator("textarea[name=composer]").fill("On its way, ");
    await page.locator("textarea[name=composer]").focus();
    await screenshot(page, "dark-conversation");
    await expectAccessible(page, "a conversation in dark mode");

    await page.goto(`${server.base}/contacts`);
    await page.locator(".contacts-page table tbody tr").first().waitFor();
    await screenshot(page, "dark-contacts");
    await page.locator(".contacts-page table tbody tr a").first().click();
    await page.locator(".contact-detail h1").waitFor();
    await page.locator(".contact-conversations, .contact-detail .empty-state").first().waitFor();
    await screenshot(page, "dark-contact");

    await page.goto(`${server.base}/settings/labels`);
    await page.getByRole("heading", { level: 1, name: "Labels" }).waitFor();
    await page.locator("table tbody tr").first().waitFor();
    await screenshot(page, "dark-settings-labels");
    await expectAccessible(page, "labels settings in dark mode");

    await page.goto(`${server.base}/settings/channels`);
    await page.locator(".channel-list li").first().waitFor();
    await screenshot(page, "dark-settings-channels");
  });

  it("shows the widget on the demo page", async () => {
    await page.goto(`${server.base}/demo?channel=${server.channelId}`);
    await page.locator("#conversa-widget #b").click();
    await page.locator("#conversa-widget .w header").waitFor();
    // the widget stays light on a light site: it takes the look of the page it is embedded in
    await screenshot(page, "dark-widget");
  });
});

describe("the inbox list's address", () => {
  it("keeps the view, status filter and sort across a reload, back and forward", async () => {
    const { context, page } = await signedIn();
    await page.goto(`${server.base}/?view=all&status=open&sort=newest`);
    await row(page, "Omar Old").waitFor();
    const newestFirst = await rowNames(page);

    await page.locator(".views-docked select[name=status]").selectOption("");
    await page.waitForURL((url) => url.searchParams.get("status") === null);
    await page.locator(".list-sort select[name=sort]").selectOption("oldest");
    await page.waitForURL((url) => url.searchParams.get("sort") === "oldest");
    await expect
      .poll(() => rowNames(page), { timeout: 15_000 })
      .toEqual([...newestFirst].reverse());
    const oldestFirst = await rowNames(page);

    await page.reload();
    await row(page, "Omar Old").waitFor();
    await expect.poll(() => rowNames(page), { timeout: 15_000 }).toEqual(oldestFirst);
    await expect
      .poll(() => page.locator(".list-sort select[name=sort]").inputValue(), { timeout: 15_000 })
      .toBe("oldest");
    await expect
      .poll(() => page.locator(".views-docked select[name=status]").inputValue(), {
        timeout: 15_000,
      })
      .toBe("");

    // opening a conversation keeps the list's address; back and forward walk the choices
    await row(page, "Dana Dark").locator(".row-link").click();
    await page.waitForURL(/\/c\/[^?]+\?/);
    expect(new URL(page.url()).searchParams.get("sort")).toBe("oldest");
    await page.goBack();
    await page.goBack();
    await page.goBack();
    await page.waitForURL((url) => url.searchParams.get("status") === "open");
    // the address changes before the list follows it
    await expect
      .poll(() => page.locator(".list-sort select[name=sort]").inputValue(), { timeout: 15_000 })
      .toBe("newest");
    await expect
      .poll(() => page.locator(".views-docked select[name=status]").inputValue(), {
        timeout: 15_000,
      })
      .toBe("open");
    await expect.poll(() => rowNames(page), { timeout: 15_000 }).toEqual(newestFirst);
    await page.goForward();
    await page.goForward();
    await page.waitForURL((url) => url.searchParams.get("sort") === "oldest");
    await expect.poll(() => rowNames(page), { timeout: 15_000 }).toEqual(oldestFirst);

    // a shared link opens on the same list
    const other = await context.newPage();
    await other.goto(page.url());
    await row(other, "Omar Old").waitFor();
    await expect.poll(() => rowNames(other), { timeout: 15_000 }).toEqual(oldestFirst);
    await expect
      .poll(() => other.locator(".list-sort select[name=sort]").inputValue(), { timeout: 15_000 })
      .toBe("oldest");
    await context.close();
  });

  it("shows a file-only message as a paperclip and “Attachment”", async () => {
    const { context, page } = await signedIn();
    await page.goto(`${server.base}/?view=all&status=`);
    const preview = row(page, "Fiona File").locator(".row-text");
    await preview.locator(".row-attachment svg").waitFor();
    expect(await preview.textContent()).toBe("Attachment");
    await context.close();
  });

  it("keeps the send button inside the composer beside the details panel, and on a phone", async () => {
    const { context, page } = await signedIn();
    await page.goto(`${server.base}/?view=all&status=`);
    await row(page, "Dana Dark").locator(".row-link").click();
    await page.locator(".conversation-layout.with-details .details section").first().waitFor();
    const inside = () =>
      page.evaluate(() => {
        const composer = document.querySelector(".composer")?.getBoundingClientRect();
        const send = document.querySelector(".composer .send")?.getBoundingClientRect();
        return Boolean(
          composer && send && send.right <= composer.right && send.left >= composer.left,
        );
      });
    expect(await inside()).toBe(true);
    await screenshot(page, "composer-with-details");
    // on a phone the details cover the thread: closed, the composer shows
    await page.setViewportSize(VIEWPORTS.phone);
    await page.locator(".details-head button").click();
    await page.locator(".composer .send").waitFor();
    await expect.poll(inside).toBe(true);
    await screenshot(page, "composer-with-details");
    await context.close();
  });
});

describe("the assign picker", () => {
  it("shows an agent's presence as it changes", async () => {
    const { context, page } = await signedIn();
    await page.goto(`${server.base}/?view=all&status=`);
    await row(page, "Omar Old").locator(".row-link").click();
    await page.locator(".action-bar .assign").click();
    const me = page.locator(".menu [role=menuitem]", { hasText: "Demo Admin" });
    await me.locator(".presence.online").waitFor();
    const setPresence = (status: string) =>
      page.request.put("/api/v1/me/presence", {
        headers: { origin: server.base },
        data: { status },
      });
    expect((await setPresence("away")).status()).toBe(204);
    await me.locator(".presence.away").waitFor();
    await setPresence("online");
    await me.locator(".presence.online").waitFor();
    await context.close();
  });
});

describe("server refusals in Spanish", () => {
  it("says why business hours in use cannot be deleted, and that a label name is taken", async () => {
    const { context, page } = await signedIn({ locale: "es-ES" });
    const headers = { origin: server.base };
    const hours = await page.request.post("/api/v1/business-hours", {
      headers,
      data: { name: "Horario Madrid", timezone: "Europe/Madrid", weekly: [] },
    });
    const { id } = (await hours.json()) as { id: string };
    await page.request.post("/api/v1/teams", {
      headers,
      data: { name: "Ventas", business_hours_id: id },
    });

    await page.goto(`${server.base}/settings/business-hours`);
    await page
      .getByRole("button", { name: /Horario Madrid/ })
      .first()
      .waitFor();
    await page
      .locator("table tbody tr", { hasText: "Horario Madrid" })
      .locator("button")
      .last()
      .click();
    await page.locator("dialog[open] .dialog-foot button").last().click();
    await expect
      .poll(() => page.locator(".toast.error").textContent(), { timeout: 15_000 })
      .toContain("Este horario lo usa el equipo «Ventas»");
    await screenshot(page, "es-hours-in-use");

    await page.goto(`${server.base}/settings/labels`);
    await page.locator("table tbody tr").first().waitFor();
    const taken = (await page.locator("table tbody tr .label-chip").first().textContent()) ?? "";
    await page.locator(".page-actions button").click();
    const dialog = page.locator("dialog[open]");
    await dialog.locator("input[name=name]").fill(taken);
    await dialog.locator(".dialog-foot button[type=submit]").click();
    await expect
      .poll(() => dialog.locator(".field-error").first().textContent(), { timeout: 15_000 })
      .toBe("Ya está en uso; elige otro");
    await screenshot(page, "es-label-taken");
    await context.close();
  });
});
