import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
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

beforeAll(async () => {
  server = await startConversa(8924);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

type Channel = { id: string; type: string; config?: { csat?: unknown } };
type CsatReport = { totals: { asked: number; responses: number; csat: { satisfied: number } } };

/** The admin turns the survey on for the demo web chat, with a comment, in Settings → Channels. */
async function surveysOn(agent: Page) {
  await agent.goto(`${server.base}/settings/channels`);
  await agent
    .getByRole("button", { name: /Website chat/ })
    .first()
    .click();
  await agent.getByRole("tab", { name: "Survey" }).click();
  await agent.getByRole("form", { name: "Survey" }).waitFor();
  await expectAccessible(agent, "a channel's survey settings", ".tab-panel");
  await agent.getByRole("switch", { name: "Send a satisfaction survey after closing" }).click();
  await agent.getByLabel("Ask for a comment after the score").check();
  await agent.getByRole("button", { name: "Save" }).click();
  await agent.getByText("Channel saved").waitFor();
  const { data } = await callAs<{ data: Channel[] }>(
    agent,
    server.base,
    "GET",
    `${server.base}/api/v1/channels`,
  );
  const webchat = data.find((channel) => channel.type === "webchat");
  expect(webchat?.config?.csat).toEqual({ enabled: true, scale: "csat_5", ask_comment: true });
}

describe("satisfaction survey in the widget", () => {
  it("shows score buttons once an agent closes; the visitor picks 4, writes a comment, is thanked, and the report counts it", async () => {
    const agentContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const agent = await agentContext.newPage();
    await signIn(agent, server.base);
    await surveysOn(agent);
    // back in the inbox, the agent is online: the widget is not away
    await agent.goto(`${server.base}/`);
    await agent.waitForSelector("nav.rail");

    const visitorContext = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    const visitor = await visitorContext.newPage();
    await visitor.goto(`${server.base}/demo`);
    await visitor.locator("#conversa-widget button[aria-label=Chat]").click();
    await visitor.locator("#conversa-widget button.send:not([disabled])").waitFor();
    const composer = visitor.locator("#conversa-widget input[aria-label=Message]");
    await composer.fill("My parcel arrived damaged");
    await composer.press("Enter");
    await visitor.locator("#conversa-widget .msg.me").first().waitFor();

    const { data } = await callAs<{ data: { id: string; last_message: { preview: string } }[] }>(
      agent,
      server.base,
      "GET",
      `${server.base}/api/v1/conversations?view=all`,
    );
    const conversation = data.find((c) => c.last_message?.preview.includes("parcel arrived"));
    if (!conversation) throw new Error("the visitor's conversation is not in the inbox");
    await callAs(
      agent,
      server.base,
      "POST",
      `${server.base}/api/v1/conversations/${conversation.id}/status`,
      {
        status: "closed",
        reason: "Resolved",
      },
    );

    const survey = visitor.locator("#conversa-widget .survey");
    await survey.waitFor({ timeout: 15_000 });
    expect(await survey.locator(".survey-q").textContent()).toBe(
      "How satisfied are you with the help you received?",
    );
    expect(await survey.getByRole("button").count()).toBe(5);
    await expectAccessible(visitor, "the survey", "#conversa-widget");
    await visitor.screenshot({ path: `${SHOTS}/widget-survey.png` });
    await survey.getByRole("button", { name: "4 out of 5" }).click();

    const comment = survey.getByLabel("Anything you would like to tell us? (optional)");
    await comment.waitFor();
    await comment.fill("Quick refund, thank you");
    await survey.getByRole("button", { name: "Send" }).click();
    await survey.getByRole("status").filter({ hasText: "Thank you for your feedback!" }).waitFor();
    await visitor.screenshot({ path: `${SHOTS}/widget-survey-thanks.png` });

    // the agents see the survey and its answer in the conversation's history
    await agent.goto(`${server.base}/c/${conversation.id}`);
    await agent.locator(".event-line", { hasText: "Satisfaction survey sent" }).waitFor();
    await agent.locator(".event-line", { hasText: "The customer rated 4 out of 5" }).waitFor();
    await agent
      .locator(".event-line", { hasText: "The customer commented: Quick refund, thank you" })
      .waitFor();

    const today = new Date().toISOString().slice(0, 10);
    const report = await callAs<CsatReport>(
      agent,
      server.base,
      "GET",
      `${server.base}/api/v1/reports/csat?from=${today}&to=${today}&timezone=UTC`,
    );
    expect(report.totals).toMatchObject({ asked: 1, responses: 1, csat: { satisfied: 1 } });

    // and the Reports screen shows it beside the conversations' figures
    await agent.goto(`${server.base}/reports`);
    const satisfaction = agent.locator("section", {
      has: agent.getByRole("heading", { name: "Customer satisfaction" }),
    });
    const figure = (key: string) => satisfaction.locator(`[data-figure="${key}"] dd`);
    await expect.poll(() => figure("responses").textContent(), { timeout: 15_000 }).toBe("1");
    await expect(figure("csat").textContent()).resolves.toBe("100%");
    const scores = satisfaction.getByRole("list", { name: "Answers per score, 1 to 5" });
    // the fourth bar is the score 4's: its one answer
    await expect(scores.getByRole("listitem").nth(3).textContent()).resolves.toBe("41 answer");
    await expectAccessible(agent, "the satisfaction report", "#main");
    await satisfaction.scrollIntoViewIfNeeded();
    await agent.screenshot({ path: `${SHOTS}/reports-csat.png` });
  });
});
