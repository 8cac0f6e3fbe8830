import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakePlatforms } from "../fakes/platforms.mjs";
import {
  callAs,
  type LocalConversa,
  lookAtBothSizes,
  signedInSession,
  signIn,
  VIEWPORTS,
} from "./browser";

let server: LocalConversa;
let browser: Browser;
let page: Page;
let fake: Awaited<ReturnType<typeof startFakePlatforms>>;

beforeAll(async () => {
  fake = await startFakePlatforms(0);
  ({ server, browser, page } = await signedInSession(8937, { fakePlatformsUrl: fake.url }));
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await fake?.close();
});

type Channel = { id: string; type: string; name: string };
type Assistant = { id: string; name: string; channel_ids: string[] };

const api = <T = Record<string, unknown>>(method: string, path: string, data?: unknown) =>
  callAs<T>(page, server.base, method, path, data);
const dialog = () => page.getByRole("dialog");
const row = (name: string) => page.getByRole("row").filter({ hasText: name });

const lookAt = (target: Page, name: string, within = "#main") =>
  lookAtBothSizes(target, name, within);

/** A knowledge source the assistant can cite, once it is indexed. */
async function addReturnsPolicy() {
  const source = await api<{ id: string }>("POST", "/api/v1/knowledge/sources", {
    kind: "text",
    title: "Returns policy",
    text: "# Returns\n\nYou can return any item within 30 days for a full refund.",
  });
  await expect
    .poll(async () => (await api(`GET`, `/api/v1/knowledge/sources/${source.id}`)).status)
    .toBe("ready");
}

describe("Settings → AI assistants", () => {
  it("creates an assistant on the web chat, refuses a channel another one has, and tests it", async () => {
    await page.goto("/settings/assistants");
    const seeded = page.getByRole("switch", { name: "Website assistant answers" });
    expect(await seeded.getAttribute("aria-checked")).toBe("false");
    await page.getByRole("button", { name: "Delete Website assistant" }).click();
    await dialog().getByRole("button", { name: "Delete", exact: true }).click();
    await page.getByText("No assistants yet").waitFor();
    expect((await api<{ data: Assistant[] }>("GET", "/api/v1/ai/assistants")).data).toEqual([]);
    await lookAt(page, "assistants-empty");

    const channels = (await api<{ data: Channel[] }>("GET", "/api/v1/channels")).data;
    const whatsapp = channels.find((c) => c.type === "whatsapp") as Channel;
    const webchat = channels.find((c) => c.type === "webchat") as Channel;
    await api("POST", "/api/v1/ai/assistants", {
      name: "Night shift",
      channel_ids: [whatsapp.id],
      activation: "out_of_hours",
    });
    await addReturnsPolicy();
    const billing = await api<{ id: string }>("POST", "/api/v1/teams", { name: "Billing" });
    await page.reload();
    await expect.poll(() => row("Night shift").textContent()).toContain(whatsapp.name);

    await page.getByRole("button", { name: "New assistant" }).click();
    await dialog().getByRole("textbox", { name: "Name" }).fill("Website helper");
    await dialog().getByLabel("Instructions").fill("Be warm and brief.");
    await dialog().getByRole("checkbox", { name: webchat.name }).check();
    await dialog().getByRole("checkbox", { name: whatsapp.name }).check();
    await dialog().getByRole("checkbox", { name: "Email" }).check();
    await dialog().getByRole("textbox", { name: "Name" }).scrollIntoViewIfNeeded();
    await lookAt(page, "assistants-editor", "dialog");
    await dialog().getByRole("button", { name: "Save" }).click();
    const taken = dialog().locator(".choice[data-invalid=true]");
    await taken.waitFor();
    expect(await taken.textContent()).toContain("Night shift already answers this channel");
    expect(await taken.textContent()).toContain(whatsapp.name);
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe("FIELDSET");
    await lookAt(page, "assistants-editor-refused", "dialog");
    expect((await api<{ data: Assistant[] }>("GET", "/api/v1/ai/assistants")).data).toHaveLength(1);

    await dialog().getByRole("checkbox", { name: whatsapp.name }).uncheck();
    await dialog().getByRole("checkbox", { name: "Billing" }).check();
    await dialog().getByRole("button", { name: "Save" }).click();
    await dialog().waitFor({ state: "detached" });
    await expect.poll(() => row("Website helper").textContent()).toContain(webchat.name);
    expect(await row("Website helper").textContent()).toContain("Billing");
    const saved = (await api<{ data: Assistant[] }>("GET", "/api/v1/ai/assistants")).data.find(
      (a) => a.name === "Website helper",
    );
    expect(saved).toMatchObject({
      channel_ids: [webchat.id],
      team_ids: [billing.id],
      collect_fields: ["email"],
      resolve_closes: true,
      instructions: "Be warm and brief.",
      enabled: true,
    });
    await lookAt(page, "assistants");

    await page.getByRole("button", { name: "Test Website helper" }).click();
    const message = dialog().getByLabel("Customer's message");
    await message.fill("Can I return an item for a refund?");
    await dialog().getByRole("button", { name: "Send" }).click();
    const transcript = dialog().getByRole("list", { name: "Test conversation" });
    const firstAnswer = transcript.locator(".test-bubble.assistant").first();
    await firstAnswer.getByText("Goes on").waitFor();
    expect(await firstAnswer.textContent()).toContain("within 30 days for a full refund");
    await firstAnswer.getByText("Returns policy").waitFor();
    await lookAt(page, "assistants-test", "dialog");

    await message.fill("I want a person");
    await message.press("Enter");
    const secondAnswer = transcript.locator(".test-bubble.assistant").nth(1);
    await secondAnswer.getByText("Hands over").waitFor();
    expect(await secondAnswer.textContent()).toContain("the customer asked for a human");
    await lookAt(page, "assistants-test-handoff", "dialog");

    await dialog().getByRole("button", { name: "Start over" }).click();
    await transcript.getByText("Ask something a customer would ask.").waitFor();
    expect(await transcript.locator(".test-turn").count()).toBe(0);
    await page.keyboard.press("Escape");
    await dialog().waitFor({ state: "detached" });
  });

  it("turns an assistant off from its row and says when the workspace's AI is off", async () => {
    await page.goto("/settings/assistants");
    const toggle = page.getByRole("switch", { name: "Night shift answers" });
    await toggle.click();
    await expect.poll(() => toggle.getAttribute("aria-checked")).toBe("false");
    const list = (
      await api<{ data: (Assistant & { enabled: boolean })[] }>("GET", "/api/v1/ai/assistants")
    ).data;
    expect(list.find((a) => a.name === "Night shift")?.enabled).toBe(false);

    await api("PUT", "/api/v1/ai/settings", { enabled: false });
    await page.reload();
    const banner = page.getByRole("status").filter({ hasText: "AI is off for this workspace" });
    await banner.waitFor();
    expect(await banner.getByRole("link").getAttribute("href")).toBe("/settings/ai");
    await lookAt(page, "assistants-ai-off");
    await api("PUT", "/api/v1/ai/settings", { enabled: true });
  });

  it("reads right to left in Arabic", async () => {
    const context = await browser.newContext({ locale: "ar", viewport: VIEWPORTS.laptop });
    const arabic = await context.newPage();
    await signIn(arabic, server.base);
    await arabic.goto(`${server.base}/settings/assistants`);
    await arabic.getByRole("heading", { name: "مساعدو الذكاء الاصطناعي" }).waitFor();
    expect(await arabic.evaluate(() => document.documentElement.dir)).toBe("rtl");
    // on a phone the table scrolls within its frame; the page itself never scrolls sideways
    await lookAt(arabic, "assistants-ar");
    await arabic.getByRole("button", { name: /تعديل.*Website helper/ }).click();
    await arabic.getByRole("dialog").getByText("أين يجيب").waitFor();
    await lookAt(arabic, "assistants-editor-ar", "dialog");
    await context.close();
  });
});
