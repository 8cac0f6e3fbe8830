import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import {
  callAs,
  expectAccessible,
  type LocalConversa,
  launchBrowser,
  lookAtBothSizes,
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

/**
 * This browser has no push service to reach: its subscribe answers with a subscription at a
 * push service address, made with a real P-256 key and auth secret, as a browser's would be.
 */
const OFFLINE_PUSH_SERVICE = () => {
  const encode = (bytes: Uint8Array) =>
    btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, "-")
      .replace(/\//g, "_")
      .replace(/=+$/, "");
  PushManager.prototype.subscribe = async function subscribe() {
    const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, [
      "deriveBits",
    ]);
    const p256dh = encode(new Uint8Array(await crypto.subtle.exportKey("raw", pair.publicKey)));
    const auth = encode(crypto.getRandomValues(new Uint8Array(16)));
    const endpoint = `https://push.example.test/push/${crypto.randomUUID()}`;
    const json = { endpoint, expirationTime: null, keys: { p256dh, auth } };
    return { endpoint, toJSON: () => json } as unknown as PushSubscription;
  };
};

type Conversations = {
  data: { contact: { id: string }; last_message: { preview: string } | null }[];
};
type Contact = { consent: { web_push?: { status: string } } };

describe("the widget's offer of notifications", () => {
  const widget = (visitor: Page) => visitor.locator("#conversa-widget");

  // the demo page sets up web push for the workspace's web push channel
  beforeAll(async () => {
    const channels = await callAs<{ data: { type: string }[] }>(
      page,
      server.base,
      "GET",
      "/api/v1/channels",
    );
    if (channels.data.some((c) => c.type === "web_push")) return;
    await callAs(page, server.base, "POST", "/api/v1/channels", {
      type: "web_push",
      name: "Order updates",
      config: { subject: "mailto:alerts@acme.test" },
    });
  });

  async function visitorWrites(visitor: Page, text: string) {
    await visitor.goto("/demo");
    await widget(visitor).getByRole("button", { name: "Chat" }).click();
    await widget(visitor).locator("button.send:not([disabled])").waitFor();
    const composer = widget(visitor).getByRole("textbox", { name: "Message" });
    await composer.fill(text);
    await composer.press("Enter");
    await widget(visitor).locator(".msg.me", { hasText: text }).waitFor();
  }

  it("offers notifications after the visitor's first message; turned on, the visitor is subscribed and has consented", async () => {
    const visitorContext = await browser.newContext({
      viewport: VIEWPORTS.laptop,
      baseURL: server.base,
    });
    await visitorContext.addInitScript(OFFLINE_PUSH_SERVICE);
    const visitor = await visitorContext.newPage();
    await visitor.goto("/demo");
    await widget(visitor).getByRole("button", { name: "Chat" }).click();
    await widget(visitor).locator("button.send:not([disabled])").waitFor();
    const offer = widget(visitor).getByRole("region", { name: /Get a notification/ });
    // nothing is asked before the visitor has written
    await expect(offer.count()).resolves.toBe(0);
    const text = `Is my order on its way? ${Date.now()}`;
    const composer = widget(visitor).getByRole("textbox", { name: "Message" });
    await composer.fill(text);
    await composer.press("Enter");
    await offer.waitFor();
    await lookAtBothSizes(visitor, "widget-push-offer", "#conversa-widget");

    await visitorContext.grantPermissions(["notifications"], { origin: server.base });
    await offer.getByRole("button", { name: "Turn on" }).click();
    await widget(visitor).getByRole("status").filter({ hasText: "Notifications are on" }).waitFor();
    await screenshot(visitor, "widget-push-on");

    const conversations = await callAs<Conversations>(
      page,
      server.base,
      "GET",
      "/api/v1/conversations",
    );
    const mine = conversations.data.find((c) => c.last_message?.preview === text);
    const contact = await callAs<Contact>(
      page,
      server.base,
      "GET",
      `/api/v1/contacts/${mine?.contact.id}`,
    );
    expect(contact.consent.web_push?.status).toBe("opted_in");

    // taken once: the offer is not made again in this browser
    await visitor.reload();
    await widget(visitor).getByRole("button", { name: "Chat" }).click();
    await widget(visitor).locator(".msg.me", { hasText: text }).waitFor();
    await expect(offer.count()).resolves.toBe(0);
    await visitorContext.close();
  });

  it('"Not now" is remembered in the browser', async () => {
    const visitorContext = await browser.newContext({
      viewport: VIEWPORTS.phone,
      baseURL: server.base,
    });
    const visitor = await visitorContext.newPage();
    await visitorWrites(visitor, "Just looking, thanks");
    const offer = widget(visitor).getByRole("region", { name: /Get a notification/ });
    await offer.getByRole("button", { name: "Not now" }).click();
    await expect(offer.count()).resolves.toBe(0);
    await visitor.reload();
    await widget(visitor).getByRole("button", { name: "Chat" }).click();
    await widget(visitor).locator(".msg.me", { hasText: "Just looking" }).waitFor();
    await expect(offer.count()).resolves.toBe(0);
    await visitorContext.close();
  });
});
