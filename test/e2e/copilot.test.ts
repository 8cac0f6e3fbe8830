import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakePlatforms } from "../fakes/platforms.mjs";
import {
  callAs,
  expectAccessible,
  type LocalConversa,
  screenshot,
  signedInSession,
  signIn,
  VIEWPORTS,
} from "./browser";

let server: LocalConversa;
let browser: Browser;
let page: Page;
let fake: Awaited<ReturnType<typeof startFakePlatforms>>;

type Message = { seq: number; kind: string; text: string | null; sender: { type: string } };

const SHOP_HOURS = "Our shop opens at 10am on Saturdays and stays open until 6pm.";

/** A web-chat visitor's conversation in the demo workspace, with what they wrote. */
async function visitorConversation(name: string, texts: string[]) {
  const session = await fetch(`${server.base}/widget/v1/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ channel_id: server.channelId, name }),
  });
  const { token } = (await session.json()) as { token: string };
  let id = "";
  for (const text of texts) {
    const sent = await fetch(`${server.base}/widget/v1/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ text }),
    });
    expect(sent.status, await sent.clone().text()).toBe(201);
    id = ((await sent.json()) as { conversation_id: string }).conversation_id;
  }
  return id;
}

const messagesOf = async (id: string) =>
  (
    await callAs<{ data: Message[] }>(
      page,
      server.base,
      "GET",
      `/api/v1/conversations/${id}/messages`,
    )
  ).data;

beforeAll(async () => {
  fake = await startFakePlatforms(0);
  ({ server, browser, page } = await signedInSession(8972, { fakePlatformsUrl: fake.url }));
  await callAs(page, server.base, "POST", "/api/v1/knowledge/sources", {
    kind: "text",
    title: "Opening hours",
    text: SHOP_HOURS,
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await fake?.close();
});

const composer = () => page.locator("textarea[name=composer]");

async function copilot(item: string) {
  await page.locator(".copilot-menu").click();
  await page.getByRole("menuitem", { name: item }).click();
}

describe("the agent copilot in the conversation", () => {
  it("drafts a suggested reply into the composer, sends nothing, and rewrites it shorter", async () => {
    const id = await visitorConversation("Lucía", ["When does your shop open on Saturdays?"]);
    const before = await messagesOf(id);
    await page.goto(`/c/${id}`);
    await composer().waitFor();

    await copilot("Suggest reply");
    await expect.poll(() => composer().inputValue()).toBe(SHOP_HOURS);
    await expect.poll(() => page.locator(".copilot-menu").getAttribute("aria-busy")).toBe(null);
    expect(await messagesOf(id)).toEqual(before);
    await screenshot(page, "copilot-suggested");

    await copilot("Rewrite: shorter");
    await expect.poll(() => composer().inputValue()).toBe("Our shop opens at 10am on.");
    expect(await messagesOf(id)).toEqual(before);

    await page.locator(".copilot-menu").click();
    await page.getByRole("menu").waitFor();
    await expectAccessible(page, "the copilot menu", ".composer");
    await screenshot(page, "copilot-menu");
    await page.keyboard.press("Escape");

    // the agent sends it themselves: only then is there a reply
    await page.getByRole("button", { name: "Send" }).click();
    await expect.poll(async () => (await messagesOf(id)).length).toBe(before.length + 1);
    expect((await messagesOf(id)).at(-1)).toMatchObject({
      text: "Our shop opens at 10am on.",
      sender: { type: "agent" },
    });
  });

  it("translates a customer's message in place and summarizes the thread", async () => {
    const id = await visitorConversation("Pablo", ["Hola, ¿dónde está mi pedido?", "Gracias"]);
    await page.goto(`/c/${id}`);
    const bubble = page.locator(".message.them", { hasText: "¿dónde está mi pedido?" });
    await bubble.getByRole("button", { name: "Translate" }).click();
    await bubble.getByText("[en] Hola, ¿dónde está mi pedido?").waitFor();
    await bubble.getByText("Translated from Spanish").waitFor();
    await screenshot(page, "copilot-translated");

    await page.getByRole("button", { name: "More actions" }).click();
    await page.getByRole("menuitem", { name: "Summarize" }).click();
    const dialog = page.getByRole("dialog", { name: "Conversation summary" });
    await dialog.getByText(/^Summary: Customer \(Pablo\): Hola/).waitFor();
    await expectAccessible(page, "the summary dialog", "dialog");
    await screenshot(page, "copilot-summary");
    await dialog.getByRole("button", { name: "Close" }).last().click();

    await page.setViewportSize(VIEWPORTS.phone);
    await page.goto(`/c/${id}`);
    await composer().fill("your order left yesterday");
    await copilot("Translate draft for the contact");
    await expect.poll(() => composer().inputValue()).toBe("[es] your order left yesterday");
    await screenshot(page, "copilot-translated-draft");
    await page.setViewportSize(VIEWPORTS.laptop);
  });

  it("shows a problem as a toast and leaves the draft as it was", async () => {
    const id = await visitorConversation("Nora", ["Is anyone there?"]);
    await page.goto(`/c/${id}`);
    await composer().fill("Yes, one moment");
    await fetch(`${fake.url}/__fake/script`, {
      method: "POST",
      body: JSON.stringify({
        path: "/openai/v1/chat/completions",
        status: 500,
        body: { error: { message: "overloaded" } },
        times: 2,
      }),
    });
    await copilot("Rewrite: friendlier");
    await page.getByText(/^The AI provider failed: .*answered 500: overloaded/).waitFor();
    await screenshot(page, "copilot-problem");
    expect(await composer().inputValue()).toBe("Yes, one moment");
  });

  it("reads right to left in Arabic", async () => {
    const id = await visitorConversation("Omar", ["مرحبا، أين طلبي؟"]);
    const context = await browser.newContext({
      locale: "ar",
      viewport: VIEWPORTS.laptop,
      baseURL: server.base,
    });
    const arabic = await context.newPage();
    await signIn(arabic, server.base);
    await arabic.goto(`/c/${id}`);
    await arabic.locator("textarea[name=composer]").fill("طلبك في الطريق");
    await arabic.locator(".copilot-menu").click();
    await arabic.getByRole("menuitem", { name: "اقتراح رد" }).waitFor();
    expect(await arabic.evaluate(() => document.documentElement.dir)).toBe("rtl");
    await expectAccessible(arabic, "the copilot menu in Arabic", ".composer");
    await screenshot(arabic, "copilot-menu-ar");
    await arabic.evaluate(() => localStorage.setItem("conversa.details", "closed"));
    await arabic.setViewportSize(VIEWPORTS.phone);
    await arabic.reload();
    await arabic.locator("textarea[name=composer]").fill("طلبك في الطريق");
    await arabic.locator(".copilot-menu").click();
    await arabic.getByRole("menuitem", { name: "اقتراح رد" }).waitFor();
    await screenshot(arabic, "copilot-menu-ar");
    await context.close();
  });
});
