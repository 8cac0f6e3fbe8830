import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callAs, type LocalConversa, screenshot, signedInSession, VIEWPORTS } from "./browser";

let server: LocalConversa;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await signedInSession(8975));
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

const call = <T = Record<string, unknown>>(method: string, path: string, data?: unknown) =>
  callAs<T>(page, server.base, method, path, data);

describe("the automation template library", () => {
  it("installs the soporte template from its dialog, and a visitor's “soporte” gets the ticket number", async () => {
    await call("POST", "/api/v1/teams", { name: "Soporte técnico" });
    await call("POST", "/api/v1/labels", { name: "ticket", colour: "#2f5bea" });
    await page.goto("/automations");
    await page.getByRole("button", { name: "Templates" }).first().click();
    await page.getByRole("heading", { name: "Start from a template" }).waitFor();
    await screenshot(page, "automation-library");
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, "automation-library");
    await page.setViewportSize(VIEWPORTS.laptop);
    const card = page.locator('[data-template="keyword-support"]');
    await card.getByRole("button", { name: "Use template" }).click();
    // nothing chosen yet: the server's refusal shows beside the team
    await page.getByRole("button", { name: "Create draft" }).click();
    await page.locator("dialog .field-error").first().waitFor();
    await page.getByLabel("Team").selectOption({ label: "Soporte técnico" });
    await page.getByLabel("Category label").selectOption({ label: "ticket" });
    await screenshot(page, "automation-library-install");
    await page.getByRole("button", { name: "Create draft" }).click();
    await page.waitForURL(/\/automations\/aut_/);
    const id = new URL(page.url()).pathname.split("/").pop() ?? "";
    await call("POST", `/api/v1/automations/${id}/activate`);
    const channels = await call<{ data: { id: string; type: string }[] }>(
      "GET",
      "/api/v1/channels",
    );
    const webchat = channels.data.find((c) => c.type === "webchat");
    const session = await call<{ token: string }>("POST", "/widget/v1/sessions", {
      channel_id: webchat?.id,
    });
    const said = await page.request.fetch("/widget/v1/messages", {
      method: "POST",
      data: { text: "Necesito soporte" },
      headers: { authorization: `Bearer ${session.token}` },
    });
    const { conversation_id } = (await said.json()) as { conversation_id: string };
    const conversation = await call<{ number: number }>(
      "GET",
      `/api/v1/conversations/${conversation_id}`,
    );
    await expect
      .poll(
        async () => {
          const messages = await call<{
            data: { text: string | null; sender: { type: string } }[];
          }>("GET", `/api/v1/conversations/${conversation_id}/messages`);
          return messages.data.find((m) => m.sender.type === "bot")?.text ?? "";
        },
        { timeout: 15_000 },
      )
      .toContain(`#${conversation.number}`);
    await page.goto(`/c/${conversation_id}`);
    await page.getByText(`#${conversation.number}`).first().waitFor();
    await screenshot(page, "conversation-number");
  });
});
