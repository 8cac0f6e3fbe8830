import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import { startFakePlatforms } from "../fakes/platforms.mjs";
import {
  callAs,
  expectAccessible,
  type LocalConversa,
  launchBrowser,
  SHOTS,
  signIn,
} from "./browser";

let server: LocalConversa;
let browser: Browser;
let fake: Awaited<ReturnType<typeof startFakePlatforms>>;

beforeAll(async () => {
  fake = await startFakePlatforms(0);
  server = await startConversa(8999, { fakePlatformsUrl: fake.url });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await fake?.close();
});

type Conversation = { id: string; team_id: string | null; ai: { state: string } | null };

/** The demo web chat answered by an assistant from a knowledge source, handing over to Support. */
async function setUpAssistant(agent: Page) {
  const call = <T>(method: string, path: string, data?: unknown) =>
    callAs<T>(agent, server.base, method, `${server.base}${path}`, data);
  const channels = await call<{ data: { id: string; type: string }[] }>("GET", "/api/v1/channels");
  const webchat = channels.data.find((c) => c.type === "webchat");
  if (!webchat) throw new Error("the demo has no web chat");
  await call("POST", "/api/v1/knowledge/sources", {
    kind: "text",
    title: "Returns policy",
    text: "Refunds are paid back within five business days of receiving the item.",
  });
  const support = await call<{ id: string }>("POST", "/api/v1/teams", { name: "Support desk" });
  await call("PUT", `/api/v1/channels/${webchat.id}/routing`, { team_id: support.id });
  await call("POST", "/api/v1/ai/assistants", { name: "Ada", channel_ids: [webchat.id] });
  return { call, support };
}

describe("the AI assistant in the widget", () => {
  it("answers with its source, and the visitor's “talk to a person” puts the conversation in the team's queue", async () => {
    const agent = await (
      await browser.newContext({ viewport: { width: 1280, height: 800 } })
    ).newPage();
    await signIn(agent, server.base);
    const { call, support } = await setUpAssistant(agent);

    const visitor = await (
      await browser.newContext({ viewport: { width: 1100, height: 800 } })
    ).newPage();
    await visitor.goto(`${server.base}/demo`);
    await visitor.locator("#conversa-widget button[aria-label=Chat]").click();
    await visitor.locator("#conversa-widget button.send:not([disabled])").waitFor();
    const composer = visitor.locator("#conversa-widget input[aria-label=Message]");
    await composer.fill("How long do refunds take?");
    await composer.press("Enter");

    const answer = visitor.locator("#conversa-widget .msg.them", { hasText: "five business days" });
    await answer.waitFor({ timeout: 20_000 });
    const widget = visitor.locator("#conversa-widget");
    await expect.poll(() => widget.locator(".ai-tag").count()).toBeGreaterThan(0);
    expect(await widget.locator(".cites").textContent()).toContain("Returns policy");
    await visitor.screenshot({ path: `${SHOTS}/widget-assistant-answer.png` });
    await expectAccessible(visitor, "the widget with the assistant's answer", "#conversa-widget");

    const person = widget.locator("button.person");
    expect(await person.textContent()).toBe("Talk to a person");
    await person.click();
    await widget
      .locator(".msg.them", { hasText: "passing you to a member of our team" })
      .waitFor({ timeout: 15_000 });
    await expect.poll(() => person.count()).toBe(0);
    await visitor.screenshot({ path: `${SHOTS}/widget-assistant-handoff.png` });

    // the conversation waits in the team's queue, the agents told why
    const queue = await call<{ data: Conversation[] }>(
      "GET",
      `/api/v1/conversations?team_id=${support.id}`,
    );
    expect(queue.data).toHaveLength(1);
    expect(queue.data[0]).toMatchObject({ team_id: support.id, ai: { state: "handed_off" } });
    await agent.goto(`${server.base}/c/${queue.data[0]?.id}`);
    await agent
      .locator(".event-line", { hasText: "The customer asked for a person" })
      .waitFor({ timeout: 15_000 });
    await agent.locator(".bubble .ai-mark").first().waitFor();
    await agent
      .locator(".assistant-strip", { hasText: "Ada (AI) handed this conversation" })
      .waitFor();
    await agent.screenshot({ path: `${SHOTS}/inbox-assistant-handoff.png` });
    await agent.setViewportSize({ width: 390, height: 844 });
    await agent.reload();
    await agent.locator(".assistant-strip").waitFor();
    await expectAccessible(agent, "the handed-over conversation on a phone", "#main");
    await agent.screenshot({ path: `${SHOTS}/inbox-assistant-handoff-phone.png` });
  });
});
