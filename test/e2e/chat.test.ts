import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import { DEMO_WHATSAPP } from "../../scripts/seed.mjs";
import { startFakePlatforms } from "../fakes/platforms.mjs";
import { callAs, type LocalConversa, launchBrowser, SHOTS, signIn } from "./browser";

let server: LocalConversa;
let browser: Browser;
let fake: Awaited<ReturnType<typeof startFakePlatforms>>;

beforeAll(async () => {
  fake = await startFakePlatforms(0);
  server = await startConversa(8931, { fakePlatformsUrl: fake.url });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await fake?.close();
});

describe("web chat end to end", () => {
  it("a visitor writes in the widget, the agent sees it live and replies, the widget shows the reply", async () => {
    const agent = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(agent, server.base);

    const visitor = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await visitor.goto(`${server.base}/demo`);
    const launcher = visitor.locator("#conversa-widget button[aria-label=Chat]");
    await launcher.click();
    // the session is ready once the send button is enabled
    await visitor.locator("#conversa-widget button[type=submit]:not([disabled])").waitFor();
    // the channel's own greeting, not the default welcome
    const greeting = visitor.locator("#conversa-widget .msg.greeting");
    expect(await greeting.textContent()).toBe("Hi! How can we help?");
    const composer = visitor.locator("#conversa-widget input[aria-label=Message]");
    await composer.fill("Hello from the demo page <b>not bold</b>");
    await composer.press("Enter");
    await visitor.locator("#conversa-widget .msg.me").first().waitFor();
    await visitor.screenshot({ path: `${SHOTS}/widget-sent.png` });

    // the inbox list updates live, without a reload
    const item = agent.locator(".item", { hasText: "Hello from the demo page" });
    await item.waitFor({ timeout: 15_000 });
    await expect.poll(() => item.locator(".badge").textContent(), { timeout: 15_000 }).toBe("1");
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

  it("keeps a message sent while the visitor's history is still loading, and shows the answer to it", async () => {
    const agent = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(agent, server.base);
    const visitor = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    // the history, read before the visitor's first message, arrives after it is stored
    let release = () => {};
    const sent = new Promise<void>((resolve) => {
      release = resolve;
    });
    await visitor.route("**/widget/v1/conversations", async (route) => {
      const response = await route.fetch();
      await sent;
      await route.fulfill({ response });
    });
    await visitor.goto(`${server.base}/demo`);
    await visitor.locator("#conversa-widget button[aria-label=Chat]").click();
    await visitor.locator("#conversa-widget button[type=submit]:not([disabled])").waitFor();
    const composer = visitor.locator("#conversa-widget input[aria-label=Message]");
    await composer.fill("Quick question before the page settles");
    const stored = visitor.waitForResponse((r) => r.url().endsWith("/widget/v1/messages"));
    await composer.press("Enter");
    const { conversation_id } = (await (await stored).json()) as { conversation_id: string };
    release();

    const mine = visitor.locator("#conversa-widget .msg.me", { hasText: "Quick question" });
    await mine.waitFor();
    await callAs(
      agent,
      server.base,
      "POST",
      `${server.base}/api/v1/conversations/${conversation_id}/messages`,
      {
        text: "Ask away, we are here.",
      },
    );
    await visitor
      .locator("#conversa-widget .msg.them", { hasText: "Ask away" })
      .waitFor({ timeout: 15_000 });
    expect(await mine.count()).toBe(1);
  });

  it("starts a new session when its stored token is refused (expired or revoked)", async () => {
    const visitor = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    await visitor.goto(`${server.base}/demo`);
    await visitor.locator("#conversa-widget button[aria-label=Chat]").click();
    await visitor.locator("#conversa-widget button[type=submit]:not([disabled])").waitFor();
    // a token the server no longer honours, as every token is once its channel changed
    const stale = await visitor.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith("conversa:")) ?? "";
      const [body] = (localStorage.getItem(key) ?? "").split(".");
      localStorage.setItem(key, `${body}.${"A".repeat(43)}`);
      return localStorage.getItem(key);
    });
    await visitor.reload();
    await visitor.locator("#conversa-widget button[aria-label=Chat]").click();
    await visitor.locator("#conversa-widget button[type=submit]:not([disabled])").waitFor();
    const composer = visitor.locator("#conversa-widget input[aria-label=Message]");
    await composer.fill("Back after a while");
    await composer.press("Enter");
    await visitor.locator("#conversa-widget .msg.me", { hasText: "Back after a while" }).waitFor();
    const kept = await visitor.evaluate(() =>
      Object.entries(localStorage).find(([k]) => k.startsWith("conversa:")),
    );
    expect(kept?.[1]).toBeTruthy();
    expect(kept?.[1]).not.toBe(stale);
    expect(await visitor.locator("#conversa-widget .err").count()).toBe(0);
  });

  it("is usable on a phone-sized screen", async () => {
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await signIn(phone, server.base);
    await phone.locator(".item").first().click();
    await phone.locator("textarea[aria-label=Reply]").waitFor();
    await expect.poll(() => phone.locator("section.list").isVisible()).toBe(false);
    await phone.screenshot({ path: `${SHOTS}/inbox-phone.png` });
    await phone.click("button.back");
    await phone.locator("section.list").waitFor();
  });
});

/** A WhatsApp webhook as Meta sends it, signed by the fake platform and posted to Conversa. */
async function whatsappWebhook(webhookUrl: string, value: Record<string, unknown>) {
  const payload = {
    object: "whatsapp_business_account",
    entry: [
      {
        id: DEMO_WHATSAPP.waba_id,
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: {
                display_phone_number: "15550001111",
                phone_number_id: DEMO_WHATSAPP.phone_number_id,
              },
              ...value,
            },
          },
        ],
      },
    ],
  };
  const response = await fetch(`${fake.url}/__fake/deliver`, {
    method: "POST",
    body: JSON.stringify({
      platform: "meta",
      url: webhookUrl,
      secret: DEMO_WHATSAPP.app_secret,
      payload,
    }),
  });
  const result = (await response.json()) as { status: number; body: string };
  expect(result.status, result.body).toBe(200);
}

async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 150; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("WhatsApp end to end through the local fake platform", () => {
  it("shows the webhook URL in the channel settings, a customer's message live, and the reply's delivery", async () => {
    const agent = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(agent, server.base);
    await agent.goto(`${server.base}/settings/channels`);
    await agent
      .getByRole("button", { name: /WhatsApp \(local fake\)/ })
      .first()
      .click();
    const setup = agent.locator(".copy-box[data-copy='Webhook URL'] .copy-value");
    const webhookUrl = (await setup.textContent()) ?? "";
    expect(webhookUrl).toMatch(/\/webhooks\/whatsapp\/ch_/);
    await agent.screenshot({ path: `${SHOTS}/channels-settings.png` });

    await agent.goto(`${server.base}/`);
    await agent.waitForSelector("nav.rail");
    const waId = "15551239876";
    await whatsappWebhook(webhookUrl, {
      contacts: [{ profile: { name: "Lucía Fernández" }, wa_id: waId }],
      messages: [
        {
          from: waId,
          id: `wamid.E2E${Date.now()}`,
          timestamp: String(Math.floor(Date.now() / 1000)),
          type: "text",
          text: { body: "¿Tienen envío a Canarias?" },
        },
      ],
    });
    const item = agent.locator(".item", { hasText: "¿Tienen envío a Canarias?" });
    await item.waitFor({ timeout: 15_000 });
    await item.click();
    await agent.fill("textarea[aria-label=Reply]", "¡Sí! Enviamos a todas las islas.");
    await agent.press("textarea[aria-label=Reply]", "Enter");
    const bubble = agent.locator(".bubble.us", { hasText: "Enviamos a todas las islas" });
    await bubble.locator(".delivery[data-status=sent]").waitFor({ timeout: 15_000 });

    const sent = await until(async () => {
      const requests = (await (
        await fetch(`${fake.url}/__fake/requests?path=/${DEMO_WHATSAPP.phone_number_id}/messages`)
      ).json()) as { body: string; response: { body: unknown } }[];
      return requests[0];
    }, "the Cloud API send");
    expect(JSON.parse(sent.body)).toMatchObject({
      to: `+${waId}`,
      text: { body: "¡Sí! Enviamos a todas las islas." },
    });
    const wamid = (sent.response.body as { messages: { id: string }[] }).messages[0]?.id;
    await whatsappWebhook(webhookUrl, {
      statuses: [
        {
          id: wamid,
          status: "delivered",
          timestamp: String(Math.floor(Date.now() / 1000)),
          recipient_id: waId,
        },
      ],
    });
    await bubble.locator(".delivery[data-status=delivered]").waitFor({ timeout: 15_000 });
    // a file from the composer goes out as a WhatsApp image
    await agent.setInputFiles("input[aria-label='Attach a file']", {
      name: "map.png",
      mimeType: "image/png",
      buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47]),
    });
    await agent.locator(".bubble.us img[alt='map.png']").waitFor();
    const image = await until(async () => {
      const requests = (await (
        await fetch(`${fake.url}/__fake/requests?path=/${DEMO_WHATSAPP.phone_number_id}/messages`)
      ).json()) as { body: string }[];
      return requests.map((r) => JSON.parse(r.body)).find((b) => b.type === "image");
    }, "the image send");
    expect(image.image.link).toContain("/files/");
    await agent.screenshot({ path: `${SHOTS}/whatsapp-replied.png` });

    // a snippet typed as /shortcut comes back with the customer's and the agent's names filled
    const cookie = (await agent.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const saved = await fetch(`${server.base}/api/v1/snippets`, {
      method: "POST",
      headers: { cookie, origin: server.base, "content-type": "application/json" },
      body: JSON.stringify({
        shortcut: "thanks",
        title: "Thank you",
        body: "Gracias {{contact.first_name|de nuevo}}, saludos de {{agent.name}}.",
      }),
    });
    expect(saved.status).toBe(201);
    await agent.fill("textarea[aria-label=Reply]", "/than");
    await agent.click(".suggestions [role=option]:has-text('/thanks')");
    await expect
      .poll(() => agent.inputValue("textarea[aria-label=Reply]"), { timeout: 15_000 })
      .toBe("Gracias Lucía, saludos de Demo Admin.");
  });
});

describe("teams in the inbox", () => {
  it("creates a team in settings, transfers a conversation to it, filters by it and closes with a reason", async () => {
    const agent = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await signIn(agent, server.base);
    await agent.goto(`${server.base}/settings/teams`);
    await agent.getByRole("button", { name: "New team" }).click();
    await agent.locator("dialog[open]").getByLabel("Name", { exact: true }).fill("Escalations");
    await agent
      .locator("dialog[open] .member-row", { hasText: "Demo Admin" })
      .locator("input")
      .check();
    await agent.locator("dialog[open]").getByRole("button", { name: "Save" }).click();
    await agent.locator("table tbody tr", { hasText: "Escalations" }).waitFor();
    await agent.screenshot({ path: `${SHOTS}/teams-settings.png` });

    const cookie = (await agent.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const settings = await fetch(`${server.base}/api/v1/workspace/settings`, {
      method: "PATCH",
      headers: { cookie, origin: server.base, "content-type": "application/json" },
      body: JSON.stringify({ close_reasons: ["solved", "no answer"], require_close_note: true }),
    });
    expect(settings.status).toBe(200);

    await agent.goto(`${server.base}/`);
    await agent.locator(".item", { hasText: "Ana from support here" }).click();
    await agent.click(".action-bar button:has-text('Transfer')");
    await agent.getByRole("dialog").getByLabel("Team").selectOption({ label: "Escalations" });
    await agent.getByRole("dialog").getByRole("button", { name: "Transfer" }).click();
    // round-robin hands it to the only online member: the agent looking at it
    await expect
      .poll(() => agent.locator(".action-bar button.assign").textContent(), { timeout: 10_000 })
      .toContain("Demo Admin");
    await agent.selectOption("select[aria-label=Team]", { label: "Escalations" });
    await agent.locator(".item", { hasText: "Ana from support here" }).waitFor();
    await expect.poll(() => agent.locator(".item").count(), { timeout: 15_000 }).toBe(1);

    await agent.click(".action-bar button.close-conversation");
    await agent.getByRole("dialog").getByLabel("Reason").selectOption("no answer");
    await agent
      .getByRole("dialog")
      .getByLabel(/Closing note/)
      .fill("Customer went quiet");
    await agent.click("button:has-text('Close conversation')");
    await agent.locator(".pane-head .status.closed").waitFor();
    await agent.locator(".event-line", { hasText: "Closed by Demo Admin — no answer" }).waitFor();
    await agent.screenshot({ path: `${SHOTS}/closed-with-reason.png` });
  });
});
