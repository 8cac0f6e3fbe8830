import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callAs,
  expectAccessible,
  type LocalConversa,
  screenshot,
  signedInSession,
  VIEWPORTS,
} from "./browser";

let server: LocalConversa;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await signedInSession(8989));
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

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

type Listed = { data: { id: string; status: string; message: { text?: string } }[] };

describe("scheduling a message from a conversation", () => {
  it("schedules the composer's text for tomorrow 9:00, lists it beside the thread and cancels it", async () => {
    const conversationId = await visitorConversation("Can you send me the quote tomorrow?");
    await page.goto(`/c/${conversationId}`);
    const composer = page.getByRole("textbox", { name: "Reply" });
    await composer.fill("Here is the quote we talked about");
    await page.getByRole("button", { name: "Schedule message" }).click();

    const dialog = page.getByRole("dialog", { name: "Schedule a message" });
    await expect
      .poll(() => dialog.getByRole("textbox", { name: "Message" }).inputValue(), {
        timeout: 15_000,
      })
      .toBe("Here is the quote we talked about");
    await dialog.getByRole("button", { name: "Tomorrow 9:00" }).click();
    await expectAccessible(page, "the schedule dialog", "dialog");
    await screenshot(page, "schedule-dialog");
    await dialog.getByRole("button", { name: "Schedule", exact: true }).click();
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(() => composer.inputValue(), { timeout: 15_000 }).toBe("");

    const item = page.locator(".scheduled-list li", { hasText: "Here is the quote" });
    await item.waitFor();
    const listed = await call<Listed>(
      "GET",
      `/api/v1/scheduled-messages?conversation_id=${conversationId}`,
    );
    expect(listed.data.map((m) => [m.status, m.message.text])).toEqual([
      ["pending", "Here is the quote we talked about"],
    ]);
    const sendAt = new Date((listed.data[0] as unknown as { send_at: string }).send_at);
    expect([sendAt.getHours(), sendAt.getMinutes()]).toEqual([9, 0]);
    await screenshot(page, "scheduled-list");

    await item.getByRole("button", { name: "Cancel the scheduled message" }).click();
    await page.getByText("Nothing scheduled").waitFor();
    const after = await call<Listed>(
      "GET",
      `/api/v1/scheduled-messages?conversation_id=${conversationId}`,
    );
    expect(after.data.map((m) => m.status)).toEqual(["cancelled"]);
  });

  it("fits a phone screen", async () => {
    const conversationId = await visitorConversation("Phone check");
    await page.setViewportSize(VIEWPORTS.phone);
    await page.goto(`/c/${conversationId}`);
    await page.getByRole("textbox", { name: "Reply" }).fill("Reminder for later");
    await page.getByRole("button", { name: "Schedule message" }).click();
    const dialog = page.getByRole("dialog", { name: "Schedule a message" });
    await dialog.getByRole("button", { name: "Next business morning" }).click();
    await expect
      .poll(() => dialog.getByRole("checkbox", { name: /business hours/ }).isChecked())
      .toBe(true);
    const box = await dialog.boundingBox();
    expect((box?.x ?? -1) >= 0 && (box?.width ?? 999) <= VIEWPORTS.phone.width).toBe(true);
    await screenshot(page, "schedule-dialog");
    await page.setViewportSize(VIEWPORTS.laptop);
  });
});
