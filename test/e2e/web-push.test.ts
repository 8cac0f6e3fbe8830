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
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  server = await startConversa(8963);
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: VIEWPORTS.laptop, baseURL: server.base });
  page = await context.newPage();
  await signIn(page, server.base);
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

const dialog = () => page.getByRole("dialog");

describe("web push channel settings", () => {
  it("connects a web push channel and shows its public key, service worker and opt-in code", async () => {
    await page.goto("/settings/channels");
    await page.getByRole("heading", { name: "Channels", level: 1 }).waitFor();
    await page.getByRole("button", { name: "Connect a channel" }).click();
    await dialog()
      .getByRole("button", { name: /Web push/ })
      .click();
    await dialog().getByLabel("Name").fill("Customer alerts");
    await dialog().getByLabel("Contact for push services").fill("mailto:alerts@acme.test");
    await dialog()
      .getByLabel(/Notification title/)
      .fill("Acme");
    await dialog().getByRole("button", { name: "Connect", exact: true }).click();
    await page.getByRole("heading", { name: "Customer alerts", level: 1 }).waitFor();

    const channels = (await (await page.request.get("/api/v1/channels")).json()) as {
      data: { id: string; type: string; config: { vapid_public_key: string } }[];
    };
    const push = channels.data.find((c) => c.type === "web_push");
    const publicKey = push?.config.vapid_public_key ?? "missing";
    expect(publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    const setup = page.locator(".setup");
    const copyValue = (label: string) => () =>
      setup.locator(`[data-copy="${label}"] .copy-value`).textContent();
    await expect.poll(copyValue("Public key"), { timeout: 15_000 }).toBe(publicKey);
    await expect
      .poll(copyValue("Service worker"), { timeout: 15_000 })
      .toBe(`${server.base}/conversa-push-sw.js`);
    const snippet = copyValue("Opt-in code");
    await expect.poll(snippet, { timeout: 15_000 }).toContain(`data-push-channel="${push?.id}"`);
    await expect.poll(snippet, { timeout: 15_000 }).toContain(`data-push-key="${publicKey}"`);
    await expect.poll(snippet, { timeout: 15_000 }).toContain("Conversa.pushSubscribe()");
    // a test send needs a browser's subscription: the tab is not offered
    await expect(page.getByRole("tab", { name: "Test" }).count()).resolves.toBe(0);
    // nor routing: nobody writes in on push
    await expect(page.getByRole("tab", { name: "Routing" }).count()).resolves.toBe(0);
    await expectAccessible(page, "the web push channel", "#main");
    await screenshot(page, "settings-channel-web-push");
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, "settings-channel-web-push");
    await page.setViewportSize(VIEWPORTS.laptop);

    // the service worker the site copies is served, and shows notifications
    const worker = await page.request.get("/conversa-push-sw.js");
    expect(worker.status()).toBe(200);
    expect(worker.headers()["content-type"]).toMatch(/javascript/);
    expect(await worker.text()).toContain("showNotification");
  });
});
