import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import {
  expectAccessible as expectAccessibleWithin,
  type LocalConversa,
  launchBrowser,
  SHOTS,
  signIn,
} from "./browser";

let server: LocalConversa;
let browser: Browser;
let agent: Page;
let cookie: string;

const DESKTOP = { width: 1366, height: 800 };
const PHONE = { width: 390, height: 844 };
const W = "#conversa-widget";
/** A frame on the agent's conversation socket. */
type Frame = { type: string; side?: string; typing?: boolean };

beforeAll(async () => {
  server = await startConversa(8941);
  browser = await launchBrowser();
  // an agent with the inbox open is online, so the web chat is not away
  agent = await browser.newPage({ viewport: DESKTOP });
  await signIn(agent, server.base);
  cookie = (await agent.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

/** A call to the inbox API as the signed-in agent. */
async function asAgent<T = Record<string, unknown>>(path: string, method = "GET", body?: unknown) {
  const response = await fetch(`${server.base}/api/v1${path}`, {
    method,
    headers: { cookie, origin: server.base, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status >= 400) throw new Error(`${method} ${path}: ${await response.text()}`);
  return (response.status === 204 ? undefined : await response.json()) as T;
}

const newChannel = async (name: string, config: Record<string, unknown> = {}) =>
  (await asAgent<{ id: string }>("/channels", "POST", { type: "webchat", name, config })).id;

type Visit = { locale?: string; pageLang?: string; withoutChatApp?: boolean };

/** The demo page with the channel's widget, in a browser speaking `locale`, the page `pageLang`. */
async function visitDemo(
  channelId: string,
  viewport = DESKTOP,
  { locale, pageLang, withoutChatApp }: Visit = {},
) {
  const context = await browser.newContext({ viewport, ...(locale ? { locale } : {}) });
  const page = await context.newPage();
  if (pageLang !== undefined)
    await page.route("**/demo?*", async (route) => {
      const response = await route.fetch();
      const body = (await response.text()).replace('<html lang="en">', `<html lang="${pageLang}">`);
      await route.fulfill({ response, body });
    });
  // only the loader: what the launcher shows before the chat app arrives
  if (withoutChatApp) await page.route("**/widget-app.js", (route) => route.abort());
  await page.goto(`${server.base}/demo?channel=${channelId}`);
  return page;
}

async function openWidget(channelId: string, viewport = DESKTOP, visit: Visit = {}) {
  const page = await visitDemo(channelId, viewport, visit);
  await page.locator(`${W} #b`).click();
  await page.locator(`${W} .w header`).waitFor();
  return page;
}

async function conversationsOf(channelId: string) {
  const list = await asAgent<{ data: { id: string; status: string; contact: { id: string } }[] }>(
    `/conversations?channel_id=${channelId}`,
  );
  return list.data;
}

async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const expectAccessible = (page: Page) => expectAccessibleWithin(page, "the widget", W);

async function say(page: Page, text: string) {
  // the session is ready once the send button is enabled
  await page.locator(`${W} button.send:not([disabled])`).waitFor();
  const composer = page.locator(`${W} input[name=message]`);
  await composer.fill(text);
  await composer.press("Enter");
  await page.locator(`${W} .msg.me`, { hasText: text }).waitFor();
}

describe("the chat widget", () => {
  it("shows events as lines, who answers and when, typing both ways, read state, and keeps history after closing", async () => {
    const channel = await newChannel("Support chat");
    const visitor = await openWidget(channel);
    // a channel without a greeting still welcomes the visitor to the empty thread
    await visitor
      .locator(`${W} .msg.greeting`, { hasText: "Hi there! How can we help you today?" })
      .waitFor();
    expect(await visitor.locator(`${W} .msg:not(.greeting)`).count()).toBe(0);
    await visitor.screenshot({ path: `${SHOTS}/widget-welcome.png` });
    await say(visitor, "Hi, where is my order?");
    const [conversation] = await until(async () => {
      const list = await conversationsOf(channel);
      return list.length ? list : undefined;
    }, "the conversation");
    const id = conversation?.id ?? "";

    // the agent's conversation socket, opened in the inbox page with its session
    await agent.evaluate(
      (url) => {
        const frames: unknown[] = [];
        const socket = new WebSocket(url);
        socket.onmessage = (e) => frames.push(JSON.parse(e.data));
        Object.assign(globalThis, { agentFrames: frames, agentSocket: socket });
        return new Promise((resolve) => {
          socket.onopen = resolve;
        });
      },
      `${server.base.replace("http", "ws")}/api/v1/conversations/${id}/ws?after_seq=0`,
    );

    // visitor typing reaches the agent
    await visitor.locator(`${W} input[name=message]`).pressSequentially("One more");
    await agent.waitForFunction(() =>
      (globalThis as unknown as { agentFrames: Frame[] }).agentFrames.some(
        (f) => f.type === "typing" && f.side === "visitor" && f.typing,
      ),
    );
    await visitor.locator(`${W} input[name=message]`).fill("");

    // the agent's typing reaches the visitor, with their name
    await agent.evaluate(() =>
      (globalThis as unknown as { agentSocket: WebSocket }).agentSocket.send(
        JSON.stringify({ type: "typing", typing: true }),
      ),
    );
    await visitor.locator(`${W} .typing`, { hasText: "Demo Admin is typing" }).waitFor();

    const me = await asAgent<{ user: { id: string } }>("/me");
    await asAgent(`/conversations/${id}/assign`, "POST", { user_id: me.user.id });
    await asAgent(`/conversations/${id}/messages`, "POST", {
      text: "Internal: VIP",
      private: true,
    });
    await asAgent(`/conversations/${id}/labels`, "POST", { labels: ["orders"] });
    await asAgent(`/conversations/${id}/messages`, "POST", { text: "Hi! Let me check that." });
    const reply = visitor.locator(`${W} .row.them`, { hasText: "Let me check" });
    await reply.waitFor();
    await visitor
      .locator(`${W} .event`, { hasText: "Demo Admin joined the conversation" })
      .waitFor();
    expect(await reply.locator(".who").textContent()).toBe("Demo Admin");
    expect(await reply.locator(".avatar").textContent()).toBe("DA");
    expect(await reply.locator("time").textContent()).toMatch(/\d/);
    expect(await visitor.locator(`${W} .msg`, { hasText: "Internal: VIP" }).count()).toBe(0);

    // the agent reads: the visitor's message says so
    await asAgent(`/conversations/${id}/read`, "POST");
    await visitor.locator(`${W} .row.me .read`, { hasText: "Seen" }).waitFor();
    await visitor.screenshot({ path: `${SHOTS}/widget-thread.png` });

    await asAgent(`/conversations/${id}/status`, "POST", { status: "closed", reason: "Resolved" });
    await visitor.locator(`${W} .event`, { hasText: "This conversation was closed" }).waitFor();
    // no event is an empty bubble: every bubble and every line has words
    for (const text of await visitor.locator(`${W} .msg, ${W} .event`).allTextContents())
      expect(text.trim()).not.toBe("");
    expect(await visitor.locator(`${W} .event`).count()).toBe(2);

    // closed stays readable after a reload, and the next message starts anew below it
    await visitor.reload();
    await visitor.locator(`${W} #b`).click();
    await visitor.locator(`${W} .msg`, { hasText: "Hi, where is my order?" }).waitFor();
    await visitor.locator(`${W} .event`, { hasText: "This conversation was closed" }).waitFor();
    await say(visitor, "Actually, one more question");
    const texts = await visitor.locator(`${W} .msg`).allTextContents();
    expect(texts.findIndex((t) => t.includes("where is my order"))).toBeLessThan(
      texts.findIndex((t) => t.includes("one more question")),
    );
    const after = await until(async () => {
      const list = await conversationsOf(channel);
      return list.length === 2 ? list : undefined;
    }, "a second conversation");
    expect(after.map((c) => c.status).sort()).toEqual(["closed", "open"]);
    await visitor.screenshot({ path: `${SHOTS}/widget-history.png` });
    await expectAccessible(visitor);
  });

  it("minimises from its header and counts the agent's new messages on the launcher", async () => {
    const channel = await newChannel("Badge chat");
    const visitor = await openWidget(channel);
    await say(visitor, "Hello?");
    const [conversation] = await until(async () => {
      const list = await conversationsOf(channel);
      return list.length ? list : undefined;
    }, "the conversation");
    await visitor.locator(`${W} button[aria-label='Minimise chat']`).click();
    await expect.poll(() => visitor.locator(`${W} #p`).isHidden()).toBe(true);
    await asAgent(`/conversations/${conversation?.id}/messages`, "POST", { text: "Still there?" });
    await visitor.locator(`${W} #u:not([hidden])`, { hasText: "1" }).waitFor();
    // the badge is inside the launcher's name, which a screen reader says instead of its content
    expect(await visitor.locator(`${W} #b`).getAttribute("aria-label")).toBe("Chat, 1 new message");
    await visitor.screenshot({ path: `${SHOTS}/widget-badge.png` });
    await visitor.locator(`${W} #b`).click();
    await visitor.locator(`${W} .msg.them`, { hasText: "Still there?" }).waitFor();
    // the count clears once the opened chat has shown the new message
    await expect.poll(() => visitor.locator(`${W} #u`).isHidden(), { timeout: 15_000 }).toBe(true);
    await expect
      .poll(() => visitor.locator(`${W} #b`).getAttribute("aria-label"), { timeout: 15_000 })
      .toBe("Chat");
  });

  it("asks the pre-chat questions first, shows field errors next to them and keeps the answers on the contact", async () => {
    const channel = await newChannel("Sales chat", {
      prechat: { name: "required", email: "optional", phone: "off" },
    });
    const visitor = await openWidget(channel);
    const form = visitor.locator(`${W} form.details`);
    await form.waitFor();
    expect(await visitor.locator(`${W} input[name=message]`).count()).toBe(0);
    expect(await form.locator("input[type=tel]").count()).toBe(0);
    await form.locator("button[type=submit]").click();
    await form.locator("label", { hasText: "Name" }).locator(".field-err").waitFor();
    await form.locator("input[autocomplete=name]").fill("Lucía Fernández");
    await form.locator("input[type=email]").fill("lucia@");
    await form.locator("button[type=submit]").click();
    await form
      .locator("label", { hasText: "Email" })
      .locator(".field-err", { hasText: "name@example.com" })
      .waitFor();
    await visitor.screenshot({ path: `${SHOTS}/widget-prechat.png` });
    await expectAccessible(visitor);
    await form.locator("input[type=email]").fill("lucia@example.com");
    await form.locator("button[type=submit]").click();
    await say(visitor, "Do you ship to the Canaries?");
    const [conversation] = await until(async () => {
      const list = await conversationsOf(channel);
      return list.length ? list : undefined;
    }, "the conversation");
    const contact = await asAgent<{ name: string; email: string }>(
      `/contacts/${conversation?.contact.id}`,
    );
    expect(contact).toMatchObject({ name: "Lucía Fernández", email: "lucia@example.com" });
  });

  it("says so when nobody can answer and keeps the email the visitor leaves", async () => {
    const team = await asAgent<{ id: string }>("/teams", "POST", { name: "Night shift" });
    const channel = await newChannel("After hours");
    await asAgent(`/channels/${channel}/routing`, "PUT", { team_id: team.id });
    const visitor = await openWidget(channel);
    const card = visitor.locator(`${W} .away-card`);
    await card.locator(".away-text", { hasText: "Nobody from the team is online" }).waitFor();
    await card.locator("input[type=email]").fill("night.owl@example.com");
    await card.locator("button[type=submit]").click();
    await card.locator(".saved", { hasText: "night.owl@example.com" }).waitFor();
    await say(visitor, "Please email me the price list");
    await visitor.screenshot({ path: `${SHOTS}/widget-offline.png` });
    await expectAccessible(visitor);
    const [conversation] = await until(async () => {
      const list = await conversationsOf(channel);
      return list.length ? list : undefined;
    }, "the conversation");
    const contact = await asAgent<{ email: string }>(`/contacts/${conversation?.contact.id}`);
    expect(contact.email).toBe("night.owl@example.com");
  });

  it("speaks the channel's language, right to left in Arabic, and the browser's otherwise", async () => {
    const arabic = await newChannel("دعم", { language: "ar" });
    const visitor = await openWidget(arabic);
    const root = visitor.locator(`${W} .w`);
    await expect.poll(() => root.getAttribute("dir")).toBe("rtl");
    const direction = await root.evaluate(
      (el) =>
        (
          el.ownerDocument.defaultView as unknown as {
            getComputedStyle(e: unknown): { direction: string };
          }
        ).getComputedStyle(el).direction,
    );
    expect(direction).toBe("rtl");
    expect(await visitor.locator(`${W} input[name=message]`).getAttribute("placeholder")).toBe(
      "اكتب رسالة…",
    );
    await visitor.locator(`${W} .msg.greeting`, { hasText: "كيف يمكننا مساعدتك اليوم؟" }).waitFor();
    await say(visitor, "مرحبا");
    // the visitor's own bubble sits at the inline end: the left in Arabic
    const bubble = await visitor.locator(`${W} .msg.me`).boundingBox();
    const panel = await root.boundingBox();
    expect((bubble?.x ?? 0) - (panel?.x ?? 0)).toBeLessThan(60);
    await visitor.screenshot({ path: `${SHOTS}/widget-arabic.png` });
    await expectAccessible(visitor);

    // without a channel language: the page's, then the browser's
    const shop = await newChannel("Boutique");
    const french = await openWidget(shop, DESKTOP, { locale: "tr-TR", pageLang: "fr" });
    expect(await french.locator(`${W} input[name=message]`).getAttribute("placeholder")).toBe(
      "Écrivez un message…",
    );
    const turkish = await openWidget(shop, DESKTOP, { locale: "tr-TR", pageLang: "" });
    expect(await turkish.locator(`${W} input[name=message]`).getAttribute("placeholder")).toBe(
      "Bir mesaj yazın…",
    );
  });

  it("names the launcher in the visitor's language before the chat app loads", async () => {
    const arabic = await newChannel("دعم العملاء", { language: "ar" });
    const shop = await newChannel("Magasin");
    const visits: [string, Visit, string][] = [
      [arabic, { locale: "tr-TR", pageLang: "en" }, "محادثة"],
      [shop, { locale: "tr-TR", pageLang: "fr" }, "Discussion"],
      [shop, { locale: "tr-TR", pageLang: "" }, "Sohbet"],
      [shop, { locale: "en-GB", pageLang: "" }, "Chat"],
    ];
    for (const [channel, visit, name] of visits) {
      const page = await visitDemo(channel, DESKTOP, { ...visit, withoutChatApp: true });
      const launcher = page.locator(`${W} #b`);
      await expect.poll(() => launcher.getAttribute("aria-label")).toBe(name);
      expect(await page.getByRole("button", { name, exact: true }).count()).toBe(1);
      expect(await page.locator(`${W} .w`).count()).toBe(0);
      await page.context().close();
    }
  });

  it("covers a phone's screen", async () => {
    const channel = await newChannel("Mobile chat");
    const visitor = await openWidget(channel, PHONE);
    await say(visitor, "Hi from my phone");
    const panel = await visitor.locator(`${W} .w`).boundingBox();
    expect(panel).toMatchObject({ x: 0, y: 0, width: PHONE.width, height: PHONE.height });
    expect(await visitor.locator(`${W} #b`).isVisible()).toBe(false);
    await visitor.screenshot({ path: `${SHOTS}/widget-phone.png` });
    await expectAccessible(visitor);
    await visitor.locator(`${W} button[aria-label='Minimise chat']`).click();
    await visitor.locator(`${W} #b`).waitFor();
    await visitor.screenshot({ path: `${SHOTS}/widget-phone-closed.png` });
  });
});
