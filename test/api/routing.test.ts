import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { conversations } from "../../worker/db/schema";
import type { ConversationDto, MessageDto } from "../../worker/schemas/conversations";
import { api, db, expectProblem, json, newWebchat, newWorkspace, visitorChat } from "../helpers";

type Workspace = Awaited<ReturnType<typeof newWorkspace>>;

async function team(ws: Workspace, body: Record<string, unknown>) {
  const response = await api("/api/v1/teams", { cookie: ws.ownerCookie, body });
  if (response.status !== 201) throw new Error(`team: ${await response.text()}`);
  return json<{ id: string }>(response);
}

async function hours(ws: Workspace, weekly: unknown[]) {
  const response = await api("/api/v1/business-hours", {
    cookie: ws.ownerCookie,
    body: { name: `Hours ${weekly.length}`, timezone: "Europe/Madrid", weekly },
  });
  return json<{ id: string }>(response);
}

const allWeek = [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open: "00:00", close: "24:00" }));

const messagesOf = async (ws: Workspace, id: string) =>
  (
    await json<{ data: MessageDto[] }>(
      await api(`/api/v1/conversations/${id}/messages?after_seq=0&limit=100`, {
        cookie: ws.ownerCookie,
      }),
    )
  ).data;

const botSaid = async (ws: Workspace, id: string) =>
  (await messagesOf(ws, id)).filter((m) => m.sender.type === "bot").map((m) => m.text);

const conversation = async (ws: Workspace, id: string) =>
  json<ConversationDto>(await api(`/api/v1/conversations/${id}`, { cookie: ws.ownerCookie }));

describe("chat menu", () => {
  it("asks, repeats on an invalid answer and routes by key or label", async () => {
    const ws = await newWorkspace();
    const sales = await team(ws, { name: "Sales", welcome_message: "Sales here, one moment." });
    const support = await team(ws, { name: "Support", welcome_message: "Support here!" });
    const channel = await newWebchat(ws.ownerCookie);
    const menu = {
      prompt: "Hi! What do you need?",
      options: [
        { key: "1", label: "Sales", team_id: sales.id },
        { key: "2", label: "Support", team_id: support.id },
      ],
      max_attempts: 3,
      default_team_id: support.id,
    };
    const saved = await api(`/api/v1/channels/${channel.id}/routing`, {
      method: "PUT",
      cookie: ws.ownerCookie,
      body: { menu },
    });
    expect(saved.status).toBe(200);

    const chat = await visitorChat(channel.id);
    const id = await chat.say("hola");
    expect(await botSaid(ws, id)).toEqual(["Hi! What do you need?\n1. Sales\n2. Support"]);
    await chat.say("7");
    expect((await botSaid(ws, id))[1]).toMatch(/^Please answer with one of the options/);
    expect((await conversation(ws, id)).team_id).toBeNull();
    await chat.say("sales");
    expect((await conversation(ws, id)).team_id).toBe(sales.id);
    expect((await botSaid(ws, id)).at(-1)).toBe("Sales here, one moment.");
    // routed: later messages are just messages
    await chat.say("2");
    expect((await conversation(ws, id)).team_id).toBe(sales.id);
    expect(await botSaid(ws, id)).toHaveLength(3);
  });

  it("sends the customer to the default team after too many invalid answers", async () => {
    const ws = await newWorkspace();
    const general = await team(ws, { name: "General" });
    const channel = await newWebchat(ws.ownerCookie);
    await api(`/api/v1/channels/${channel.id}/routing`, {
      method: "PUT",
      cookie: ws.ownerCookie,
      body: {
        menu: {
          prompt: "Pick one",
          options: [{ key: "1", label: "General", team_id: general.id }],
          max_attempts: 2,
          default_team_id: general.id,
        },
      },
    });
    const chat = await visitorChat(channel.id);
    await chat.say("hello");
    await chat.say("what?");
    expect((await conversation(ws, chat.id())).team_id).toBeNull();
    await chat.say("???");
    expect((await conversation(ws, chat.id())).team_id).toBe(general.id);
  });

  it("refuses a menu naming a team that does not exist", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const refused = await expectProblem(
      await api(`/api/v1/channels/${channel.id}/routing`, {
        method: "PUT",
        cookie: ws.ownerCookie,
        body: {
          menu: { prompt: "?", options: [{ key: "1", label: "X", team_id: "team_nope" }] },
        },
      }),
      422,
    );
    expect(refused.errors?.[0]?.path).toBe("menu.options.0.team_id");
  });
});

describe("hours, busy and SLA", () => {
  it("out of hours sends the away message once and leaves the conversation waiting", async () => {
    const ws = await newWorkspace();
    const never = await hours(ws, []);
    const support = await team(ws, {
      name: "Support",
      assignment: "round_robin",
      business_hours_id: never.id,
      welcome_message: "Welcome!",
      away_message: "We are closed; we answer tomorrow from 9:00.",
      member_ids: [ws.owner.id],
    });
    await env.WORKSPACE_HUB.get(env.WORKSPACE_HUB.idFromName(ws.id)).setPresence(
      ws.id,
      ws.owner.id,
      "online",
    );
    const channel = await newWebchat(ws.ownerCookie);
    await api(`/api/v1/channels/${channel.id}/routing`, {
      method: "PUT",
      cookie: ws.ownerCookie,
      body: { team_id: support.id },
    });
    const chat = await visitorChat(channel.id);
    const id = await chat.say("anyone?");
    await chat.say("hello??");
    expect(await botSaid(ws, id)).toEqual(["We are closed; we answer tomorrow from 9:00."]);
    const waiting = await conversation(ws, id);
    expect(waiting).toMatchObject({ team_id: support.id, assignee_id: null });
  });

  it("in hours welcomes, and says so once when every agent is busy", async () => {
    const ws = await newWorkspace();
    const always = await hours(ws, allWeek);
    const support = await team(ws, {
      name: "Support",
      assignment: "least_busy",
      business_hours_id: always.id,
      welcome_message: "Welcome!",
      busy_message: "All our agents are busy; you are in the queue.",
      member_ids: [ws.owner.id],
    });
    const channel = await newWebchat(ws.ownerCookie);
    await api(`/api/v1/channels/${channel.id}/routing`, {
      method: "PUT",
      cookie: ws.ownerCookie,
      body: { team_id: support.id },
    });
    // the only member is offline
    const chat = await visitorChat(channel.id);
    const id = await chat.say("hi");
    await chat.say("hi again");
    expect(await botSaid(ws, id)).toEqual([
      "Welcome!",
      "All our agents are busy; you are in the queue.",
    ]);
  });

  it("starts SLA clocks in business time and records a missed first response", async () => {
    const ws = await newWorkspace();
    const always = await hours(ws, allWeek);
    const support = await team(ws, {
      name: "Support",
      business_hours_id: always.id,
      sla_first_response_minutes: 30,
      sla_resolution_minutes: 240,
    });
    const channel = await newWebchat(ws.ownerCookie);
    await api(`/api/v1/channels/${channel.id}/routing`, {
      method: "PUT",
      cookie: ws.ownerCookie,
      body: { team_id: support.id },
    });
    const before = Date.now();
    const chat = await visitorChat(channel.id);
    const id = await chat.say("urgent");
    const routed = await conversation(ws, id);
    const firstDue = Date.parse(routed.sla.first_response_due_at ?? "");
    expect(firstDue - before).toBeGreaterThanOrEqual(30 * 60_000 - 1000);
    expect(firstDue - before).toBeLessThan(31 * 60_000);
    expect(Date.parse(routed.sla.resolution_due_at ?? "") - firstDue).toBeGreaterThanOrEqual(
      210 * 60_000 - 1000,
    );

    // time passes: the due time is now in the past
    await db()
      .update(conversations)
      .set({ firstResponseDueAt: Date.now() - 1000 })
      .where(eq(conversations.id, id));
    const stub = env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(id));
    // its object watches the due times it is given when the conversation is routed
    await stub.publish(
      { type: "conversation", conversation: await conversation(ws, id) },
      { watchSla: true },
    );
    await runDurableObjectAlarm(stub);
    const events = (await messagesOf(ws, id)).filter((m) => m.event?.type === "sla_breached");
    expect(events.map((e) => e.event?.data.target)).toEqual(["first_response"]);

    // an agent's reply stops the first-response clock
    await api(`/api/v1/conversations/${id}/messages`, {
      cookie: ws.ownerCookie,
      body: { text: "On it" },
    });
    expect((await conversation(ws, id)).sla.first_response_at).not.toBeNull();
  });
});

describe("closing rules", () => {
  it("asks for a reason from the list and a note when the workspace requires them", async () => {
    const ws = await newWorkspace();
    await api("/api/v1/workspace/settings", {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { close_reasons: ["solved", "spam"], require_close_note: true },
    });
    const channel = await newWebchat(ws.ownerCookie);
    const chat = await visitorChat(channel.id);
    const id = await chat.say("my order is late");
    const refused = await expectProblem(
      await api(`/api/v1/conversations/${id}/status`, {
        cookie: ws.ownerCookie,
        body: { status: "closed", reason: "bored" },
      }),
      422,
    );
    expect(refused.errors?.map((e) => e.path)).toEqual(["reason", "note"]);
    const closed = await api(`/api/v1/conversations/${id}/status`, {
      cookie: ws.ownerCookie,
      body: { status: "closed", reason: "solved", note: "Resent the parcel" },
    });
    expect(closed.status).toBe(200);
    const last = (await messagesOf(ws, id)).slice(-2);
    expect(last.map((m) => [m.kind, m.text ?? m.event?.data.reason])).toEqual([
      ["note", "Resent the parcel"],
      ["event", "solved"],
    ]);
  });
});
