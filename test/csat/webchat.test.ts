import { describe, expect, it } from "vitest";
import type { MessageDto } from "../../worker/schemas/conversations";
import { newAutomation, runsOf } from "../automations/helpers";
import { eventually } from "../channel-helpers";
import {
  api,
  expectProblem,
  json,
  newWebchat,
  newWorkspace,
  visitorChat,
  visitorSession,
} from "../helpers";
import { closeConversation, surveyOnceAsked, surveysOf } from "./helpers";

type Visitor = Awaited<ReturnType<typeof visitorChat>>;

const answer = (visitor: { token: string }, conversationId: string, body: unknown) =>
  api(`/widget/v1/conversations/${conversationId}/survey`, {
    body,
    headers: { authorization: `Bearer ${visitor.token}` },
    origin: null,
  });

/** The survey message the visitor sees once the conversation closed. */
const surveyMessage = (visitor: Visitor, conversationId: string) =>
  eventually(async () => {
    const page = await json<{ data: MessageDto[] }>(
      await api(`/widget/v1/conversations/${conversationId}/messages?after_seq=0`, {
        headers: { authorization: `Bearer ${visitor.token}` },
      }),
    );
    return page.data.find((m) => m.event?.type === "csat_survey");
  }, "the survey message");

/** A visitor who wrote, and whose conversation the owner closed. */
async function closedChat(cookie: string, channelId: string) {
  const visitor = await visitorChat(channelId);
  const conversationId = await visitor.say("Where is my order?");
  await closeConversation(cookie, conversationId);
  return { visitor, conversationId };
}

describe("satisfaction surveys in the web chat", () => {
  it("show the visitor buttons' survey; the first score counts, a comment may follow, others' answers are not found", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie, {
      language: "fr",
      csat: { enabled: true, ask_comment: true },
    });
    const { visitor, conversationId } = await closedChat(ws.ownerCookie, channel.id);
    const message = await surveyMessage(visitor, conversationId);
    expect(message.event?.data).toMatchObject({
      scale: "csat_5",
      ask_comment: true,
      question: "Êtes-vous satisfait de l'aide que vous avez reçue ?",
    });

    const outOfScale = await expectProblem(
      await answer(visitor, conversationId, { score: 9 }),
      422,
    );
    expect(outOfScale.errors?.[0]?.path).toBe("score");
    const first = await answer(visitor, conversationId, { score: 4 });
    expect(first.status).toBe(200);
    expect(await json(first)).toMatchObject({ scale: "csat_5", score: 4, comment: null });
    const again = await json(await answer(visitor, conversationId, { score: 2 }));
    expect(again).toMatchObject({ score: 4, comment: null });
    const commented = await json(
      await answer(visitor, conversationId, { score: 4, comment: "Rapide et aimable" }),
    );
    expect(commented).toMatchObject({ score: 4, comment: "Rapide et aimable" });
    const [stored] = await surveysOf(ws.id, conversationId);
    expect(stored).toMatchObject({ score: 4, comment: "Rapide et aimable", stage: "done" });

    const stranger = await visitorSession(channel.id);
    await expectProblem(await answer(stranger, conversationId, { score: 1 }), 404);
  });

  it("are not sent when the channel has them off", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const { visitor, conversationId } = await closedChat(ws.ownerCookie, channel.id);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await surveysOf(ws.id, conversationId)).toHaveLength(0);
    await expectProblem(await answer(visitor, conversationId, { score: 4 }), 404);
  });
});

describe("a low score", () => {
  it("starts the automation triggered by scores up to its max_score, and no other", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const channel = await newWebchat(cookie, { csat: { enabled: true } });
    const automation = await newAutomation(cookie, {
      trigger: { type: "csat.answered", max_score: 2 },
      steps: [
        { id: "tag", type: "add_tag", tag: "unhappy" },
        { id: "note", type: "add_note", text: "Scored {{trigger.data.score}}: call them back" },
      ],
    });
    const tagsOf = async (conversationId: string) => {
      const conversation = await json<{ contact: { id: string } }>(
        await api(`/api/v1/conversations/${conversationId}`, { cookie }),
      );
      const contact = await json<{ tags: string[] }>(
        await api(`/api/v1/contacts/${conversation.contact.id}`, { cookie }),
      );
      return contact.tags;
    };
    const happy = await closedChat(cookie, channel.id);
    await surveyOnceAsked(ws.id, happy.conversationId);
    await answer(happy.visitor, happy.conversationId, { score: 5 });
    const unhappy = await closedChat(cookie, channel.id);
    await surveyOnceAsked(ws.id, unhappy.conversationId);
    await answer(unhappy.visitor, unhappy.conversationId, { score: 1 });

    const runs = await eventually(async () => {
      const list = (await runsOf(cookie, automation.id)).data;
      return list.some((run) => run.status === "completed") ? list : undefined;
    }, "the run");
    expect(runs.map((run) => run.conversation_id)).toEqual([unhappy.conversationId]);
    expect(await tagsOf(unhappy.conversationId)).toContain("unhappy");
    expect(await tagsOf(happy.conversationId)).not.toContain("unhappy");
    const history = await json<{ data: MessageDto[] }>(
      await api(`/api/v1/conversations/${unhappy.conversationId}/messages?after_seq=0`, { cookie }),
    );
    expect(history.data.find((m) => m.kind === "note")?.text).toBe("Scored 1: call them back");
  });
});

type Report = {
  totals: {
    asked: number;
    responses: number;
    response_rate: number | null;
    csat: {
      responses: number;
      satisfied: number;
      csat_percent: number | null;
      average: number | null;
      distribution: { score: number; count: number }[];
    };
    nps: {
      responses: number;
      promoters: number;
      passives: number;
      detractors: number;
      nps: number | null;
    };
  };
  series: { period: string; asked: number; responses: number; nps: number | null }[];
};

describe("the CSAT report", () => {
  it("counts surveys sent and answered, CSAT, NPS and the scores, by channel and agent, as CSV too; a rebuild finds them equal", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const csat = await newWebchat(cookie, { csat: { enabled: true } });
    const nps = await newWebchat(cookie, { csat: { enabled: true, scale: "nps_10" } });
    for (const [channel, score] of [
      [csat, 5],
      [csat, 4],
      [csat, 2],
      [csat, null],
      [nps, 10],
      [nps, 9],
      [nps, 3],
    ] as const) {
      const { visitor, conversationId } = await closedChat(cookie, channel.id);
      await surveyOnceAsked(ws.id, conversationId);
      if (score !== null)
        expect((await answer(visitor, conversationId, { score })).status).toBe(200);
    }
    const today = new Date().toISOString().slice(0, 10);
    const report = async (extra: Record<string, string> = {}) =>
      json<Report>(
        await api(
          `/api/v1/reports/csat?${new URLSearchParams({ from: today, to: today, timezone: "UTC", ...extra })}`,
          { cookie },
        ),
      );
    const all = await report();
    expect(all.totals).toMatchObject({ asked: 7, responses: 6, response_rate: 85.7 });
    expect(all.totals.csat).toMatchObject({
      responses: 3,
      satisfied: 2,
      csat_percent: 66.7,
      average: 3.67,
    });
    expect(all.totals.csat.distribution).toEqual([
      { score: 1, count: 0 },
      { score: 2, count: 1 },
      { score: 3, count: 0 },
      { score: 4, count: 1 },
      { score: 5, count: 1 },
    ]);
    expect(all.totals.nps).toMatchObject({
      responses: 3,
      promoters: 2,
      passives: 0,
      detractors: 1,
      nps: 33.3,
    });
    expect(all.series).toEqual([
      expect.objectContaining({ period: today, asked: 7, responses: 6, nps: 33.3 }),
    ]);
    const npsOnly = await report({ channel_id: nps.id });
    expect(npsOnly.totals).toMatchObject({ asked: 3, responses: 3, csat: { responses: 0 } });
    const owner = await report({ agent_id: ws.owner.id });
    expect(owner.totals).toMatchObject({ asked: 7, responses: 6 });
    // the owner closed them all: the leaderboard gives them the same CSAT and NPS
    const board = await json<{ agents: { agent_id: string; csat: number; nps: number }[] }>(
      await api(
        `/api/v1/reports/agents?${new URLSearchParams({ from: today, to: today, timezone: "UTC" })}`,
        { cookie },
      ),
    );
    expect(board.agents.find((row) => row.agent_id === ws.owner.id)).toMatchObject({
      csat: 66.7,
      nps: 33.3,
    });

    const csv = await api(
      `/api/v1/reports/csat?${new URLSearchParams({ from: today, to: today, timezone: "UTC", format: "csv" })}`,
      { cookie },
    );
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).trim().split(/\r?\n/);
    expect(lines[0]).toBe(
      "period,asked,responses,csat_responses,csat_percent,csat_average,nps_responses,nps",
    );
    expect(lines[1]).toBe(`${today},7,6,3,66.7,3.67,3,33.3`);

    const agent = await ws.addMember("agent");
    await expectProblem(
      await api(`/api/v1/reports/csat?from=${today}&to=${today}`, { cookie: await agent.login() }),
      403,
    );
    const rebuild = await json<{ differing: number }>(
      await api("/api/v1/reports/rebuild", { cookie, body: { dry_run: true } }),
    );
    expect(rebuild.differing).toBe(0);
  });
});
