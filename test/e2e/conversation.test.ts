/// <reference lib="dom" />

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import { DEMO_LOGIN } from "../../scripts/seed.mjs";
import {
  expectAccessible as expectAccessibleWithin,
  type LocalConversa,
  launchBrowser,
  SHOTS,
  screenshot,
  signIn,
  VIEWPORTS,
} from "./browser";

let server: LocalConversa;
let browser: Browser;
let admin: string;
let conversationId: string;
let visitorToken: string;

// a 1×1 red PNG
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==",
  "base64",
);

const cookieOf = (response: Response) =>
  (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";

/** A JSON call to the local Conversa as a signed-in person. */
async function call(cookie: string, path: string, body?: unknown, method = body ? "POST" : "GET") {
  const response = await fetch(`${server.base}${path}`, {
    method,
    headers: { cookie, origin: server.base, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function visitorSays(text: string) {
  const response = await fetch(`${server.base}/widget/v1/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${visitorToken}`, "content-type": "application/json" },
    body: JSON.stringify({ text }),
  });
  expect(response.status, `${text}: ${await response.clone().text()}`).toBe(201);
  return (await response.json()) as { conversation_id: string };
}

/** A web-chat conversation of 60 messages: the customer and an agent taking turns. */
async function sixtyMessageThread() {
  const session = await fetch(`${server.base}/widget/v1/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ channel_id: server.channelId, name: "Lucía Fernández" }),
  });
  expect(session.status, await session.clone().text()).toBe(200);
  visitorToken = ((await session.json()) as { token: string }).token;
  const first = await visitorSays("Hola, my order 4711 has not arrived (message 1)");
  const id = first.conversation_id;
  for (let i = 2; i <= 57; i++) {
    if (i % 2 === 0)
      await call(admin, `/api/v1/conversations/${id}/messages`, {
        text: `Agent answer number ${i}: let me check that for you.`,
      });
    else await visitorSays(`Customer message number ${i}`);
  }
  await call(admin, `/api/v1/conversations/${id}/read`, {});
  for (let i = 58; i <= 60; i++) await visitorSays(`Unread customer message ${i}`);
  return id;
}

/** Whether the element lies fully within the window. */
const inViewport = (page: Page, selector: string) =>
  page.locator(selector).evaluate((el) => {
    const box = el.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight && box.height > 0;
  });

/** The pane holds its own dialogs; the list column and the shell are checked by their own tests. */
const expectAccessible = (page: Page, what: string) =>
  expectAccessibleWithin(page, what, ".conversation-layout");

/** A page in its own context (axe needs one), at the given size. */
const newPage = async (viewport: { width: number; height: number } = VIEWPORTS.laptop) =>
  (await browser.newContext({ viewport })).newPage();

async function openThread(page: Page) {
  await page.goto(`${server.base}/c/${conversationId}`);
  await page.locator(".composer textarea").waitFor();
  await page.locator(".message", { hasText: "Unread customer message 60" }).waitFor();
}

beforeAll(async () => {
  server = await startConversa(8943);
  browser = await launchBrowser();
  admin = cookieOf(
    await fetch(`${server.base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.base },
      body: JSON.stringify(DEMO_LOGIN),
    }),
  );
  await call(
    admin,
    "/api/v1/workspace/settings",
    {
      close_reasons: ["Resolved", "No answer"],
      require_close_note: false,
    },
    "PATCH",
  );
  await call(admin, "/api/v1/snippets", {
    shortcut: "env",
    title: "Shipping",
    body: "Hola {{contact.first_name|there}}, we ship in 24 hours.",
  });
  await call(admin, "/api/v1/labels", { name: "vip", colour: "#be185d" });
  conversationId = await sixtyMessageThread();
}, 400_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

describe("the conversation pane", () => {
  it("opens a 60-message thread at the newest message, composer in view, the page never scrolling", async () => {
    const page = await newPage();
    await signIn(page, server.base);
    await openThread(page);
    expect(await inViewport(page, ".composer")).toBe(true);
    expect(await inViewport(page, ".composer textarea")).toBe(true);
    const newest = page.locator(".message", { hasText: "Unread customer message 60" });
    await expect.poll(() => inViewport(page, `.message[data-seq="${60}"]`)).toBe(true);
    expect(await newest.isVisible()).toBe(true);
    // the document does not scroll: the message list does
    const scroll = await page.evaluate(() => ({
      page: document.scrollingElement?.scrollHeight ?? 0,
      window: window.innerHeight,
    }));
    expect(scroll.page).toBeLessThanOrEqual(scroll.window);
    // the three messages that came after the agent last read it sit under "New messages"
    const divider = page.locator(".new-divider");
    await divider.waitFor();
    const dividerNext = await divider.evaluate(
      (el) => (el.nextElementSibling as HTMLElement | null)?.dataset.seq,
    );
    expect(dividerNext).toBe("58");
    await screenshot(page, "conversation-thread");

    // scrolling up loads older messages and keeps the place; a jump brings the newest back
    const list = page.locator(".messages");
    expect(await page.locator(".message[data-seq='1']").count()).toBe(0);
    const anchor = page.locator(".message[data-seq='31']");
    for (let i = 0; i < 6 && (await page.locator(".message[data-seq='1']").count()) === 0; i++) {
      await list.evaluate((el) => {
        el.scrollTop = 0;
      });
      await page.waitForTimeout(300);
    }
    await page.locator(".message[data-seq='1']").waitFor({ state: "attached" });
    expect(await anchor.count()).toBe(1);
    // after older ones went in above, the list did not jump to the very top
    expect(await list.evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    await page.locator(".jump-latest").click();
    await expect.poll(() => inViewport(page, `.message[data-seq="${60}"]`)).toBe(true);
    await expectAccessible(page, "the conversation pane");
    await page.close();
  });

  it("picks a snippet with the keyboard: / + shortcut + Enter inserts it and sends nothing", async () => {
    const page = await newPage();
    await signIn(page, server.base);
    await openThread(page);
    const before = await page.locator(".message").count();
    const box = page.locator(".composer textarea");
    await box.click();
    await box.pressSequentially("/en");
    const option = page.locator(".suggestions [role=option]", { hasText: "/env" });
    await option.waitFor();
    await screenshot(page, "conversation-snippet-picker");
    await box.press("ArrowDown");
    await box.press("ArrowUp");
    await box.press("Enter");
    await expect
      .poll(() => box.inputValue(), { timeout: 15_000 })
      .toBe("Hola Lucía, we ship in 24 hours.");
    expect(await page.locator(".message").count()).toBe(before);
    // Esc closes the picker and Enter on a bare /shortcut still sends nothing
    await box.fill("");
    await box.pressSequentially("/nothing-here");
    await page.locator(".suggestions").waitFor();
    await box.press("Escape");
    await expect.poll(() => page.locator(".suggestions").count()).toBe(0);
    await box.press("Enter");
    await page.locator(".composer-note", { hasText: "/nothing-here" }).waitFor();
    expect(await box.inputValue()).toBe("/nothing-here");
    expect(await page.locator(".message").count()).toBe(before);
    // Shift+Enter is a new line; Enter sends
    await box.fill("First line");
    await box.press("Shift+Enter");
    await box.pressSequentially("second line");
    await box.press("Enter");
    await page.locator(".message.us", { hasText: "second line" }).waitFor();
    await expect.poll(() => box.inputValue()).toBe("");
    await page.close();
  });

  it("mentions an agent in a note: the note carries the mention and their inbox socket hears it", async () => {
    const invitation = await call(admin, "/api/v1/invitations", {
      email: "luis@demo.local",
      role: "agent",
    });
    const accepted = await fetch(`${server.base}/api/v1/auth/accept-invite`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.base },
      body: JSON.stringify({
        token: invitation.token,
        password: "luis-secret-1",
        name: "Luis Ortega",
      }),
    });
    expect(accepted.status).toBe(200);
    // Luis signs in to his own inbox in his own browser
    const luisContext = await browser.newContext();
    const luis = await luisContext.newPage();
    await luis.goto(`${server.base}/`);
    await luis.fill("input[name=email]", "luis@demo.local");
    await luis.fill("input[name=password]", "luis-secret-1");
    await luis.click("button[type=submit]");
    await luis.waitForSelector("nav.rail");
    await luis.evaluate(
      (url) =>
        new Promise<void>((resolve, reject) => {
          const frames: unknown[] = [];
          (window as unknown as { frames_: unknown[] }).frames_ = frames;
          const socket = new WebSocket(url);
          socket.onmessage = (e) => frames.push(JSON.parse(e.data));
          socket.onopen = () => resolve();
          socket.onerror = () => reject(new Error("Luis's inbox socket did not open"));
        }),
      `${server.base.replace("http", "ws")}/api/v1/realtime`,
    );

    const page = await newPage();
    await signIn(page, server.base);
    await openThread(page);
    await page.getByRole("tab", { name: "Note" }).click();
    const box = page.locator(".composer textarea");
    await box.click();
    await box.pressSequentially("Can you check the refund, @Lu");
    await page.locator(".suggestions [role=option]", { hasText: "Luis Ortega" }).waitFor();
    await screenshot(page, "conversation-mention-picker");
    await box.press("Enter");
    await expect.poll(() => box.inputValue()).toBe("Can you check the refund, @Luis Ortega ");
    await box.pressSequentially("please?");
    await box.press("Enter");
    await page.locator(".message.note", { hasText: "@Luis Ortega please?" }).waitFor();

    await expect
      .poll(
        () =>
          luis.evaluate(() =>
            (window as unknown as { frames_: { type: string }[] }).frames_.find(
              (f) => f.type === "mention",
            ),
          ),
        { timeout: 15_000 },
      )
      .toMatchObject({
        type: "mention",
        conversation_id: conversationId,
        by: { name: "Demo Admin" },
        preview: "Can you check the refund, @Luis Ortega please?",
      });
    const luisCookie = cookieOf(accepted);
    const mentions = await call(luisCookie, "/api/v1/conversations?view=mentions&status=open");
    expect(mentions.data.map((c: { id: string }) => c.id)).toEqual([conversationId]);
    await luisContext.close();
    await page.close();
  });

  it("assigns, labels, snoozes, closes and reopens from the action bar; events name who and whom", async () => {
    const page = await newPage();
    await signIn(page, server.base);
    await openThread(page);
    const bar = page.getByRole("toolbar", { name: "Conversation actions" });

    await bar.locator("button.assign").click();
    await page.getByRole("menuitem", { name: /Luis Ortega/ }).click();
    await page
      .locator(".event-line", { hasText: "Demo Admin assigned this to Luis Ortega" })
      .waitFor();
    await expect
      .poll(() => bar.locator("button.assign").textContent(), { timeout: 15_000 })
      .toContain("Luis Ortega");

    await bar.getByRole("button", { name: /Labels/ }).click();
    await page.locator(".labels-popover label", { hasText: "vip" }).click();
    await page.locator(".event-line", { hasText: "Demo Admin added the labels vip" }).waitFor();
    await page.keyboard.press("Escape");

    await bar.getByRole("button", { name: /Snooze/ }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("button", { name: "Tomorrow, 9:00" }).click();
    await dialog.locator(".snooze-preview", { hasText: /^Until / }).waitFor();
    await screenshot(page, "conversation-snooze");
    await dialog.getByRole("button", { name: "Snooze", exact: true }).click();
    await page.locator(".pane-head .status.snoozed").waitFor();
    await page.locator(".event-line", { hasText: "Demo Admin snoozed this until" }).waitFor();

    await bar.getByRole("button", { name: "Close", exact: true }).click();
    const closing = page.getByRole("dialog");
    await closing.getByLabel("Reason").selectOption("No answer");
    await closing.getByRole("button", { name: "Close conversation" }).click();
    await page.locator(".pane-head .status.closed").waitFor();
    await page.locator(".event-line", { hasText: "Closed by Demo Admin — No answer" }).waitFor();

    await bar.getByRole("button", { name: "Reopen" }).click();
    await page.locator(".pane-head .status.open").waitFor();
    await page.locator(".event-line", { hasText: "Reopened by Demo Admin" }).waitFor();
    await page.close();
  });

  it("sends a pasted and a dropped image, shown as thumbnails", async () => {
    const page = await newPage();
    await signIn(page, server.base);
    await openThread(page);
    await page.getByRole("tab", { name: "Reply" }).click();
    const png = PNG.toString("base64");
    await page.locator(".composer textarea").evaluate((el, data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], "pasted.png", { type: "image/png" }));
      el.dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: transfer, bubbles: true, cancelable: true }),
      );
    }, png);
    await page.locator(".message.us .thumb img[alt='pasted.png']").waitFor();
    const dropped = await page.evaluateHandle((data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], "dropped.png", { type: "image/png" }));
      return transfer;
    }, png);
    const pane = page.locator(".conversation-pane");
    await pane.dispatchEvent("dragover", { dataTransfer: dropped });
    await page.locator(".drop-zone").waitFor();
    await pane.dispatchEvent("drop", { dataTransfer: dropped });
    const thumb = page.locator(".message.us .thumb img[alt='dropped.png']");
    await thumb.waitFor();
    await expect
      .poll(() => thumb.evaluate((img) => (img as HTMLImageElement).naturalWidth), {
        timeout: 15_000,
      })
      .toBe(1);
    await page.close();
  });

  it("shows the details panel, remembers it collapsed, and works on a phone", async () => {
    const page = await newPage();
    await signIn(page, server.base);
    await openThread(page);
    const details = page.getByRole("complementary", { name: "Details" });
    if (!(await details.isVisible()))
      await page.getByRole("button", { name: "Show details" }).click();
    await details.getByText("No other conversations").waitFor();
    await screenshot(page, "conversation-details");
    await expectAccessible(page, "the conversation with its details");
    await page.getByRole("button", { name: "Hide details" }).first().click();
    await expect.poll(() => details.count()).toBe(0);
    await page.reload();
    await page.locator(".composer textarea").waitFor();
    expect(await page.getByRole("complementary", { name: "Details" }).count()).toBe(0);
    await page.close();

    const phone = await newPage(VIEWPORTS.phone);
    await signIn(phone, server.base);
    await openThread(phone);
    expect(await inViewport(phone, ".composer")).toBe(true);
    // the newest entry of the thread (by now an event line or an image) is in view
    await expect
      .poll(() => inViewport(phone, ".messages > :is(.message, .event-line) >> nth=-1"), {
        timeout: 15_000,
      })
      .toBe(true);
    await screenshot(phone, "conversation-thread");
    const box = phone.locator(".composer textarea");
    await box.click();
    await box.pressSequentially("/en");
    await phone.locator(".suggestions [role=option]").first().waitFor();
    await screenshot(phone, "conversation-snippet-picker");
    await box.press("Escape");
    await phone.getByRole("button", { name: "Show details" }).click();
    await phone
      .getByRole("complementary", { name: "Details" })
      .getByRole("heading", { name: "Other conversations" })
      .waitFor();
    await screenshot(phone, "conversation-details");
    await expectAccessible(phone, "the conversation on a phone");
    await phone
      .getByRole("complementary", { name: "Details" })
      .getByRole("button", { name: "Hide details" })
      .click();
    await phone.getByRole("button", { name: "Back to the list" }).click();
    await phone.waitForURL((url) => url.pathname === "/");
    await phone.screenshot({ path: `${SHOTS}/conversation-back-phone.png` });
    await phone.close();
  });
});
