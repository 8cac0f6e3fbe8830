import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

beforeAll(async () => {
  ({ server, browser, page } = await signedInSession(8978));
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

/** A JSON call as the signed-in admin. */
const call = <T = Record<string, unknown>>(method: string, path: string, data?: unknown) =>
  callAs<T>(page, server.base, method, path, data);

/** A visitor writes in on the web chat: their conversation's id. */
async function visitorConversation(text: string) {
  const channels = await call<{ data: { id: string; type: string }[] }>("GET", "/api/v1/channels");
  const webchat = channels.data.find((c) => c.type === "webchat");
  const session = await call<{ token: string }>("POST", "/widget/v1/sessions", {
    channel_id: webchat?.id,
  });
  const said = await page.request.fetch("/widget/v1/messages", {
    method: "POST",
    data: { text },
    headers: { authorization: `Bearer ${session.token}` },
  });
  return ((await said.json()) as { conversation_id: string }).conversation_id;
}

type Box = { x: number; y: number; width: number; height: number };
const insideOf = (inner: Box, outer: Box) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;

/** Opens the conversation and waits until it has asked for the automations run by hand. */
async function openConversation(on: Page, id: string) {
  const manualListed = on.waitForResponse((r) => r.url().includes("trigger=manual"));
  await on.goto(`/c/${id}`);
  await manualListed;
  await on.locator(".action-bar").waitFor();
}

describe("running an automation from a conversation", () => {
  let conversationId = "";

  it("offers no automation while none active is run by hand; the transcript downloads from the same menu", async () => {
    conversationId = await visitorConversation("Hola, ¿me ayudan con mi pedido?");
    await call("POST", "/api/v1/automations", {
      name: "Still a draft",
      trigger: { type: "manual" },
      steps: [{ type: "add_tag", tag: "draft" }],
    });
    await openConversation(page, conversationId);
    await page.getByRole("button", { name: "More actions" }).click();
    await expect(page.getByRole("menuitem").allTextContents()).resolves.toEqual([
      "Download transcript",
    ]);
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("menuitem", { name: "Download transcript" }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^conversation-\d+\.html$/);
    const path = await download.path();
    const { readFile } = await import("node:fs/promises");
    expect(await readFile(path, "utf8")).toContain("Hola, ¿me ayudan con mi pedido?");
  });

  it("runs “Follow up” from the menu: a toast, then its reply and activity line in the timeline", async () => {
    const automation = await call<{ id: string }>("POST", "/api/v1/automations", {
      name: "Follow up",
      description: "Asks whether the order arrived",
      trigger: { type: "manual" },
      steps: [{ type: "send_message", text: "Did your order arrive?" }],
    });
    await call("POST", `/api/v1/automations/${automation.id}/activate`);
    await openConversation(page, conversationId);

    await page.getByRole("button", { name: "More actions" }).click();
    await page.getByRole("menuitem", { name: "Run automation…" }).click();
    const dialog = page.getByRole("dialog", { name: "Run an automation" });
    const pick = dialog.getByRole("button", { name: /Follow up/ });
    await pick.waitFor();
    // drafts are not offered
    await expect(dialog.getByText("Still a draft").count()).resolves.toBe(0);
    await expectAccessible(page, "the automation picker", "dialog");
    await screenshot(page, "automation-picker");

    await pick.click();
    await page.getByRole("status").filter({ hasText: "Started “Follow up”" }).waitFor();
    await dialog.waitFor({ state: "detached" });
    await page.locator(".bubble", { hasText: "Did your order arrive?" }).waitFor();
    await page
      .locator('.event-line[data-event="automation"]', {
        hasText: "Automation “Follow up” replied",
      })
      .waitFor();
    await screenshot(page, "automation-run-from-conversation");

    const runs = await call<{ data: { status: string; conversation_id: string }[] }>(
      "GET",
      `/api/v1/automations/${automation.id}/runs`,
    );
    expect(runs.data.map((r) => [r.status, r.conversation_id])).toEqual([
      ["completed", conversationId],
    ]);
  });

  it("offers a search box when there are many, and reads right to left in Arabic on a laptop and a phone", async () => {
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const more = await call<{ id: string }>("POST", "/api/v1/automations", {
        name: `متابعة الطلب ${n}`,
        description: "يسأل العميل عمّا إذا كان طلبه قد وصل في الموعد المحدد",
        trigger: { type: "manual" },
        steps: [{ type: "add_tag", tag: `follow-${n}` }],
      });
      await call("POST", `/api/v1/automations/${more.id}/activate`);
    }
    const context = await browser.newContext({
      locale: "ar",
      viewport: { width: 1280, height: 800 },
      baseURL: server.base,
    });
    const arabic = await context.newPage();
    await signIn(arabic, server.base);
    await openConversation(arabic, conversationId);
    await expect(arabic.locator("html").getAttribute("dir")).resolves.toBe("rtl");

    for (const viewport of [{ width: 1280, height: 800 }, VIEWPORTS.phone]) {
      await arabic.setViewportSize(viewport);
      // on a phone the details panel covers the conversation: close it first
      const details = arabic.getByRole("complementary", { name: "التفاصيل" });
      if (viewport.width < 600 && (await details.count()))
        await details.getByRole("button", { name: "إخفاء التفاصيل" }).click();
      await arabic.getByRole("button", { name: "إجراءات أخرى" }).click();
      // the menu opens toward the side of the pane with room, never under the list beside it
      const menu = await arabic.getByRole("menu").boundingBox();
      const pane = await arabic.locator(".conversation-pane").boundingBox();
      expect(menu && pane && insideOf(menu, pane)).toBe(true);
      await screenshot(arabic, "automation-menu-arabic");
      await arabic.getByRole("menuitem", { name: "تشغيل أتمتة…" }).click();
      const dialog = arabic.getByRole("dialog", { name: "تشغيل أتمتة" });
      await dialog.getByRole("searchbox", { name: "البحث عن أتمتة" }).fill("الطلب 3");
      await expect.poll(() => dialog.locator(".automation-pick").count()).toBe(1);
      await dialog.getByRole("searchbox").fill("");
      await expect.poll(() => dialog.locator(".automation-pick").count()).toBe(7);
      const box = await dialog.boundingBox();
      expect(box && insideOf(box, { x: 0, y: 0, ...viewport })).toBe(true);
      await screenshot(arabic, "automation-picker-arabic");
      await dialog.getByRole("button", { name: "إغلاق" }).click();
      await dialog.waitFor({ state: "detached" });
    }
    await context.close();
  });
});
