import { mkdirSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import { DEMO_LOGIN } from "../../scripts/seed.mjs";

const SHOTS = "test-results";
let server: Awaited<ReturnType<typeof startConversa>>;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  server = await startConversa(8931);
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

async function signIn(page: Page) {
  await page.goto(`${server.base}/`);
  await page.fill("input[name=email]", DEMO_LOGIN.email);
  await page.fill("input[name=password]", DEMO_LOGIN.password);
  await page.click("button[type=submit]");
  await page.waitForSelector("nav.sidebar");
}

describe("web chat end to end", () => {
  it("a visitor writes in the widget, the agent sees it live and replies, the widget shows the reply", async () => {
    const agent = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(agent);

    const visitor = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await visitor.goto(`${server.base}/demo`);
    const launcher = visitor.locator("#conversa-widget button[aria-label=Chat]");
    await launcher.click();
    // the session is ready once the send button is enabled
    await visitor.locator("#conversa-widget button[type=submit]:not([disabled])").waitFor();
    const composer = visitor.locator("#conversa-widget input[aria-label=Message]");
    await composer.fill("Hello from the demo page <b>not bold</b>");
    await composer.press("Enter");
    await visitor.locator("#conversa-widget .msg.me").first().waitFor();
    await visitor.screenshot({ path: `${SHOTS}/widget-sent.png` });

    // the inbox list updates live, without a reload
    const item = agent.locator(".item", { hasText: "Hello from the demo page" });
    await item.waitFor({ timeout: 15_000 });
    await expect(item.locator(".badge").textContent()).resolves.toBe("1");
    await agent.screenshot({ path: `${SHOTS}/inbox-live.png` });
    await item.click();
    await agent.locator(".bubble.them", { hasText: "Hello from the demo page" }).waitFor();
    // user input is rendered as text, not markup
    expect(await agent.locator(".bubble.them b").count()).toBe(0);

    await agent.fill("textarea[aria-label=Reply]", "Hi! Ana from support here.");
    await agent.press("textarea[aria-label=Reply]", "Enter");
    await agent.locator(".bubble.us", { hasText: "Ana from support" }).waitFor();
    await agent.screenshot({ path: `${SHOTS}/inbox-replied.png` });

    const reply = visitor.locator("#conversa-widget .msg.them", { hasText: "Ana from support" });
    await reply.waitFor({ timeout: 15_000 });
    await visitor.screenshot({ path: `${SHOTS}/widget-reply.png` });

    // the visitor's session survives a reload
    await visitor.reload();
    await visitor.locator("#conversa-widget button[aria-label=Chat]").click();
    await visitor.locator("#conversa-widget .msg.them", { hasText: "Ana from support" }).waitFor();
  });

  it("is usable on a phone-sized screen", async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(phone);
    await phone.locator(".item").first().click();
    await phone.locator("textarea[aria-label=Reply]").waitFor();
    expect(await phone.locator("section.list").isVisible()).toBe(false);
    await phone.screenshot({ path: `${SHOTS}/inbox-phone.png` });
    await phone.click("button.back");
    await phone.locator("section.list").waitFor();
  });
});
