import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { aiUsage } from "../../worker/db/schema";
import { eventually, fakeRequests, scriptFake } from "../channel-helpers";
import { api, db, expectProblem, json, openSocket, visitorChat } from "../helpers";
import {
  aiSaid,
  assistantSetup,
  conversationOf,
  handoffEvents,
  messagesOf,
} from "./assistant-helpers";

const HANDOFF = "I'm passing you to a member of our team. They'll answer here shortly.";

describe("the AI assistant on a web chat", () => {
  it("answers from the knowledge base, cites its source, and keeps the conversation out of the queue", async () => {
    const { ws, channel, bot } = await assistantSetup();
    const chat = await visitorChat(channel.id);
    const id = await chat.say("How long do refunds take?");
    const [answer] = await eventually(async () => {
      const said = await aiSaid(ws, id);
      return said.length ? said : undefined;
    }, "the assistant's answer");
    expect(answer?.text).toContain("Refunds are paid back within five business days.");
    expect(answer?.sender).toMatchObject({ type: "bot", name: "Ada" });
    expect(answer?.ai).toMatchObject({
      assistant_id: bot.id,
      citations: [{ title: "Shop facts", url: null }],
    });
    const conversation = await conversationOf(ws, id);
    expect(conversation.ai).toEqual({ state: "active", assistant_id: bot.id });
    expect(conversation.team_id).toBeNull();
    // the visitor sees the answer marked as the assistant's, with its citation
    const seen = await json<{ data: { ai?: unknown }[] }>(
      await api(`/widget/v1/conversations/${id}/messages?after_seq=0&limit=50`, {
        headers: { authorization: `Bearer ${chat.token}` },
        origin: null,
      }),
    );
    expect(seen.data.filter((m) => m.ai)).toHaveLength(1);
    // the sent history marks it as the AI's
    const history = await json<{ data: { kind: string; sender: { type: string } }[] }>(
      await api("/api/v1/outbound-messages", { cookie: ws.ownerCookie }),
    );
    expect(history.data.map((m) => [m.kind, m.sender.type])).toEqual([["automatic", "ai"]]);
  });

  it("hands a question it cannot answer to the team: handoff message, reason, routing", async () => {
    const { ws, channel, support } = await assistantSetup();
    const chat = await visitorChat(channel.id);
    const id = await chat.say("Do you sell helmets?");
    const conversation = await eventually(async () => {
      const c = await conversationOf(ws, id);
      return c.team_id ? c : undefined;
    }, "routing to the team");
    expect(conversation).toMatchObject({ team_id: support.id, ai: { state: "handed_off" } });
    const said = await aiSaid(ws, id);
    expect(said.map((m) => [m.text, m.ai?.handoff])).toEqual([[HANDOFF, true]]);
    const [event] = await handoffEvents(ws, id);
    expect(event?.event?.data).toMatchObject({ by: "assistant" });
    // silent from now on: the next message goes to people only
    await chat.say("Hello?");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await aiSaid(ws, id)).toHaveLength(1);
  });

  it.each([
    ["I want to talk to an agent", "en"],
    ["Quiero hablar con un humano", "es"],
    ["Preciso de um atendente", "pt"],
  ])("hands over when the customer asks for a person: %s", async (text) => {
    const { ws, channel, support, fake } = await assistantSetup();
    const chat = await visitorChat(channel.id);
    const id = await chat.say(text);
    await eventually(
      async () => (await conversationOf(ws, id)).team_id === support.id,
      "the handoff",
    );
    const [event] = await handoffEvents(ws, id);
    expect(event?.event?.data).toMatchObject({ by: "customer" });
    // no model was asked
    expect(await fakeRequests(`${fake.path}/chat/completions`)).toEqual([]);
  });

  it("with handoff off, says so when asked for a person and keeps answering", async () => {
    const { ws, channel } = await assistantSetup({
      handoff_enabled: false,
      no_handoff_message: "Our team is not on chat, but I can help.",
    });
    const chat = await visitorChat(channel.id);
    const id = await chat.say("agent please");
    await eventually(async () => (await aiSaid(ws, id)).length === 1, "the answer");
    expect((await aiSaid(ws, id))[0]?.text).toBe("Our team is not on chat, but I can help.");
    await chat.say("When does the shop open on Saturdays?");
    await eventually(async () => (await aiSaid(ws, id)).length === 2, "the second answer");
    expect((await aiSaid(ws, id))[1]?.text).toContain("10am on Saturdays");
    expect((await conversationOf(ws, id)).ai?.state).toBe("active");
    expect(await handoffEvents(ws, id)).toEqual([]);
  });

  it("hands over when the provider times out, and when the budget is spent (with the usage recorded)", async () => {
    const slow = await assistantSetup({}, { settings: { timeout_ms: 1000 } });
    await scriptFake({ path: `${slow.fake.path}/chat/completions`, delay_ms: 4000, times: 2 });
    const chat = await visitorChat(slow.channel.id);
    const id = await chat.say("How long do refunds take?");
    await eventually(
      async () => (await conversationOf(slow.ws, id)).team_id === slow.support.id,
      "the handoff after a timeout",
    );
    const [timedOut] = await handoffEvents(slow.ws, id);
    expect(timedOut?.event?.data).toMatchObject({ by: "error" });
    expect(String(timedOut?.event?.data.reason)).toMatch(/did not answer in time/);

    // room for one answer (the fake counts words as tokens), not for two
    const poor = await assistantSetup({}, { settings: { conversation_token_budget: 50 } });
    const customer = await visitorChat(poor.channel.id);
    const first = await customer.say("How long do refunds take?");
    const [answered] = await eventually(async () => {
      const said = await aiSaid(poor.ws, first);
      return said.length ? said : undefined;
    }, "the answer");
    expect(answered?.text).toContain("five business days");
    await customer.say("And delivery to Portugal?");
    await eventually(
      async () => (await conversationOf(poor.ws, first)).team_id === poor.support.id,
      "the handoff once the budget is spent",
    );
    const [spent] = await handoffEvents(poor.ws, first);
    expect(String(spent?.event?.data.reason)).toMatch(/AI budget reached/);
    const usage = await db().select().from(aiUsage).where(eq(aiUsage.conversationId, first));
    // the answer and the search's embedding of the question, each recorded against it
    expect(usage.map((u) => u.feature).sort()).toEqual(
      expect.arrayContaining(["assistant", "embedding"]),
    );
    expect(usage.filter((u) => u.feature === "assistant")).toHaveLength(1);
  });

  it("answers only out of hours when set so; in hours the team has the conversation at once", async () => {
    const closed = await assistantSetup(
      { activation: "out_of_hours" },
      { routing: { business_hours_id: null } },
    );
    const never = await api("/api/v1/business-hours", {
      cookie: closed.ws.ownerCookie,
      body: { name: "Never", timezone: "UTC", weekly: [] },
    });
    const hours = await json<{ id: string }>(never);
    await api(`/api/v1/teams/${closed.support.id}`, {
      method: "PATCH",
      cookie: closed.ws.ownerCookie,
      body: { business_hours_id: hours.id },
    });
    const night = await visitorChat(closed.channel.id);
    const nightId = await night.say("How long do refunds take?");
    await eventually(async () => (await aiSaid(closed.ws, nightId)).length === 1, "an answer");
    expect((await conversationOf(closed.ws, nightId)).team_id).toBeNull();

    const open = await assistantSetup({ activation: "out_of_hours" });
    const day = await visitorChat(open.channel.id);
    const dayId = await day.say("How long do refunds take?");
    const routed = await conversationOf(open.ws, dayId);
    expect(routed).toMatchObject({ team_id: open.support.id, ai: null });
  });

  it("starts on a keyword only, when set so", async () => {
    const { ws, channel, support } = await assistantSetup({
      activation: "keyword",
      keywords: ["precio", "refund"],
    });
    const plain = await visitorChat(channel.id, "Ana");
    const plainId = await plain.say("Hello there");
    expect(await conversationOf(ws, plainId)).toMatchObject({ team_id: support.id, ai: null });
    const asking = await visitorChat(channel.id, "Luis");
    const askingId = await asking.say("REFUND: how long do refunds take?");
    await eventually(async () => (await aiSaid(ws, askingId)).length === 1, "an answer");
  });

  it("fills the contact fields it was asked to collect, checked by their types", async () => {
    const { ws, channel, fake, bot } = await assistantSetup({ collect_fields: ["email"] });
    await api("/api/v1/contact-fields", {
      cookie: ws.ownerCookie,
      body: { key: "budget", label: "Budget", type: "number" },
    });
    const patched = await api(`/api/v1/ai/assistants/${bot.id}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { collect_fields: ["email", "budget"] },
    });
    expect(patched.status).toBe(200);
    // the decision as the provider streams it: the JSON in pieces, then the usage
    const content = JSON.stringify({
      action: "continue",
      reason: "collected details",
      reply: "Thanks, noted.",
      citations: [],
      fields: [
        { key: "email", value: "Marta@Example.com" },
        { key: "budget", value: "not sure" },
        { key: "phone", value: "+34600000000" },
      ],
    });
    const chunk = (extra: Record<string, unknown>) =>
      `data: ${JSON.stringify({ id: "chatcmpl-fields", object: "chat.completion.chunk", created: 1, model: "gpt-4o-mini", ...extra })}\n\n`;
    const half = Math.floor(content.length / 2);
    await scriptFake({
      path: `${fake.path}/chat/completions`,
      status: 200,
      headers: { "content-type": "text/event-stream" },
      text: [
        chunk({ choices: [{ index: 0, delta: { content: content.slice(0, half) } }] }),
        chunk({ choices: [{ index: 0, delta: { content: content.slice(half) } }] }),
        chunk({ choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }),
        chunk({
          choices: [],
          usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
        }),
        "data: [DONE]\n\n",
      ].join(""),
    });
    const chat = await visitorChat(channel.id);
    const id = await chat.say("My email is Marta@Example.com, budget unknown");
    await eventually(async () => (await aiSaid(ws, id)).length === 1, "the answer");
    const conversation = await conversationOf(ws, id);
    const contact = await json<{
      email: string | null;
      phone: string | null;
      custom_fields: Record<string, unknown>;
    }>(await api(`/api/v1/contacts/${conversation.contact.id}`, { cookie: ws.ownerCookie }));
    // the email is stored as emails are; a budget that is not a number and a phone it was not
    // asked for are left out
    expect(contact.email).toBe("marta@example.com");
    expect(contact.phone).toBeNull();
    expect(contact.custom_fields).toEqual({});
  });

  it("stops when an agent replies, and answers again once handed back, with a fresh context", async () => {
    const { ws, channel } = await assistantSetup();
    const chat = await visitorChat(channel.id);
    const id = await chat.say("How long do refunds take?");
    await eventually(async () => (await aiSaid(ws, id)).length === 1, "the first answer");
    const replied = await api(`/api/v1/conversations/${id}/messages`, {
      cookie: ws.ownerCookie,
      body: { text: "Hi, Sam here. Anything else?" },
    });
    expect(replied.status).toBe(201);
    await eventually(
      async () => (await conversationOf(ws, id)).ai?.state === "handed_off",
      "the agent taking over",
    );
    const [event] = await handoffEvents(ws, id);
    expect(event?.event?.data).toMatchObject({ by: "agent" });
    // no handoff message to the customer when a person already spoke
    expect(await aiSaid(ws, id)).toHaveLength(1);

    const back = await api(`/api/v1/conversations/${id}/assistant/hand-back`, {
      method: "POST",
      cookie: ws.ownerCookie,
    });
    expect((await json<{ ai: unknown }>(back)).ai).toMatchObject({ state: "active" });
    await chat.say("Delivery to Portugal?");
    await eventually(async () => (await aiSaid(ws, id)).length === 2, "the answer after hand-back");
    expect((await aiSaid(ws, id))[1]?.text).toContain("three days");
  });

  it("starts a reopened conversation afresh: an old handoff does not loop", async () => {
    const { ws, channel, support } = await assistantSetup();
    const chat = await visitorChat(channel.id);
    const id = await chat.say("Do you sell helmets?");
    await eventually(async () => (await conversationOf(ws, id)).team_id === support.id, "handoff");
    for (const status of ["closed", "open"])
      await api(`/api/v1/conversations/${id}/status`, {
        cookie: ws.ownerCookie,
        body: { status },
      });
    await eventually(async () => (await conversationOf(ws, id)).ai === null, "the fresh context");
    await chat.say("Still there?");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // people have it: one handoff, no new assistant message
    expect(await handoffEvents(ws, id)).toHaveLength(1);
    expect(await aiSaid(ws, id)).toHaveLength(1);
  });

  it("lets the visitor ask for a person with the widget's button", async () => {
    const { ws, channel, support } = await assistantSetup();
    const chat = await visitorChat(channel.id);
    const id = await chat.say("How long do refunds take?");
    await eventually(async () => (await aiSaid(ws, id)).length === 1, "the answer");
    const press = () =>
      api(`/widget/v1/conversations/${id}/handoff`, {
        method: "POST",
        headers: { authorization: `Bearer ${chat.token}` },
        origin: null,
      });
    expect(await json(await press())).toEqual({ handed_off: true });
    expect(await json(await press())).toEqual({ handed_off: false });
    expect(await conversationOf(ws, id)).toMatchObject({
      team_id: support.id,
      ai: { state: "handed_off" },
    });
    expect((await aiSaid(ws, id)).at(-1)?.text).toBe(HANDOFF);
    // another visitor cannot press it
    const other = await visitorChat(channel.id, "Other");
    await other.say("Hi");
    const refused = await api(`/widget/v1/conversations/${id}/handoff`, {
      method: "POST",
      headers: { authorization: `Bearer ${other.token}` },
      origin: null,
    });
    expect(refused.status).toBe(404);
  });
});

describe("the assistant's reply streamed to the widget", () => {
  it("shows the reply growing on the visitor's socket, in order, then the stored message", async () => {
    const { ws, channel, fake } = await assistantSetup();
    // the answer comes a moment later, so the socket is open before it starts
    await scriptFake({ path: `${fake.path}/chat/completions`, delay_ms: 1500 });
    const chat = await visitorChat(channel.id);
    const id = await chat.say("How long do refunds take?");
    const socket = await openSocket(
      `/widget/v1/conversations/${id}/ws?token=${encodeURIComponent(chat.token)}`,
    );
    const frames = await socket.until(
      (all) =>
        all.some((f) => f.type === "message" && (f.message as { ai?: unknown }).ai !== undefined),
      20_000,
    );
    socket.close();
    const drafts = frames.filter((f) => f.type === "draft").map((f) => String(f.text));
    const stored = frames.findIndex(
      (f) => f.type === "message" && (f.message as { ai?: unknown }).ai !== undefined,
    );
    const final = String((frames[stored]?.message as { text?: string } | undefined)?.text);
    expect(drafts.length).toBeGreaterThan(1);
    // each draft extends the one before, and the stored reply completes the last
    drafts.forEach((text, i) => {
      if (i > 0) expect(text.startsWith(drafts[i - 1] ?? "")).toBe(true);
    });
    expect(final.startsWith(drafts.at(-1) ?? "x")).toBe(true);
    expect(frames.findLastIndex((f) => f.type === "draft")).toBeLessThan(stored);
    expect(frames.filter((f) => f.type === "draft").every((f) => f.name === "Ada")).toBe(true);
    // the customer saw the assistant typing first
    expect(frames.some((f) => f.type === "typing" && f.typing === true)).toBe(true);
    expect((await aiSaid(ws, id))[0]?.text).toBe(final);
  });

  it("streams nothing of a reply that ends in a handoff", async () => {
    const { channel, fake } = await assistantSetup();
    await scriptFake({ path: `${fake.path}/chat/completions`, delay_ms: 1500 });
    const chat = await visitorChat(channel.id);
    const id = await chat.say("Do you sell helmets?");
    const socket = await openSocket(
      `/widget/v1/conversations/${id}/ws?token=${encodeURIComponent(chat.token)}`,
    );
    const frames = await socket.until(
      (all) =>
        all.some(
          (f) =>
            f.type === "message" &&
            (f.message as { ai?: { handoff?: boolean } }).ai?.handoff === true,
        ),
      20_000,
    );
    socket.close();
    expect(frames.filter((f) => f.type === "draft")).toEqual([]);
  });
});

describe("assistants API", () => {
  it("refuses unknown channels, teams and fields, and a channel another assistant answers", async () => {
    const { ws, channel } = await assistantSetup();
    const bad = await expectProblem(
      await api("/api/v1/ai/assistants", {
        cookie: ws.ownerCookie,
        body: {
          name: "Second",
          channel_ids: [channel.id, "ch_nowhere"],
          team_id: "tm_nowhere",
          collect_fields: ["shoe_size"],
          activation: "keyword",
        },
      }),
      422,
    );
    expect(bad.errors?.map((e) => e.path).sort()).toEqual([
      "channel_ids.0",
      "channel_ids.1",
      "collect_fields.0",
      "keywords",
      "team_id",
    ]);
    const list = await json<{ data: unknown[] }>(
      await api("/api/v1/ai/assistants", { cookie: ws.ownerCookie }),
    );
    expect(list.data).toHaveLength(1);
  });

  it("answers for a team: a conversation routed there gets the team's assistant first, and the team at its handoff", async () => {
    const { ws, channel, support, bot } = await assistantSetup({ channel_ids: [] });
    const patched = await api(`/api/v1/ai/assistants/${bot.id}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { team_ids: [support.id] },
    });
    expect(await json(patched)).toMatchObject({ channel_ids: [], team_ids: [support.id] });
    // the team assigns by round robin to an agent, who is online with room
    const agent = await ws.addMember("agent");
    const team = await api(`/api/v1/teams/${support.id}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { assignment: "round_robin", member_ids: [agent.id] },
    });
    expect(team.status).toBe(200);
    const hub = env.WORKSPACE_HUB.get(env.WORKSPACE_HUB.idFromName(ws.id));
    const chat = await visitorChat(channel.id);
    const id = await chat.say("How long do refunds take?");
    const [answer] = await eventually(async () => {
      const said = await aiSaid(ws, id);
      return said.length ? said : undefined;
    }, "the team assistant's answer");
    expect(answer?.text).toContain("five business days");
    // in the team's queue, but the assistant's until it hands over: not routed to people yet
    expect(await conversationOf(ws, id)).toMatchObject({
      team_id: support.id,
      ai: { state: "active", assistant_id: bot.id },
    });
    const routed = async () =>
      (await messagesOf(ws, id)).filter((m) => m.event?.type === "routed").length;
    expect(await routed()).toBe(0);
    // an agent coming online takes waiting conversations, but not one the assistant answers
    await hub.setPresence(ws.id, agent.id, "online");
    expect((await conversationOf(ws, id)).assignee_id).toBeNull();

    await chat.say("Can I talk to a person?");
    await eventually(async () => (await routed()) === 1, "the team taking the conversation");
    expect(await conversationOf(ws, id)).toMatchObject({
      team_id: support.id,
      assignee_id: agent.id,
      ai: { state: "handed_off" },
    });
    // an agent can hand it back to the team's assistant
    const back = await api(`/api/v1/conversations/${id}/assistant/hand-back`, {
      method: "POST",
      cookie: ws.ownerCookie,
    });
    expect(await json(back)).toMatchObject({ ai: { state: "active", assistant_id: bot.id } });
  });

  it("refuses a team another assistant answers, and unknown teams", async () => {
    const { ws, support } = await assistantSetup({ team_ids: [] });
    const first = await api("/api/v1/ai/assistants", {
      cookie: ws.ownerCookie,
      body: { name: "Billing bot", team_ids: [support.id] },
    });
    expect(first.status).toBe(201);
    const bad = await expectProblem(
      await api("/api/v1/ai/assistants", {
        cookie: ws.ownerCookie,
        body: { name: "Second", team_ids: [support.id, "tm_nowhere"] },
      }),
      422,
    );
    expect(bad.errors?.map((e) => [e.path, e.message])).toEqual([
      ["team_ids.0", "the assistant “Billing bot” already answers this team"],
      ["team_ids.1", "no such team"],
    ]);
  });

  it("tries the assistant on a made-up conversation, storing nothing", async () => {
    const { ws, bot } = await assistantSetup();
    const tried = await json<{ reply: string; action: string; citations: { title: string }[] }>(
      await api(`/api/v1/ai/assistants/${bot.id}/test`, {
        cookie: ws.ownerCookie,
        body: { messages: [{ role: "customer", text: "When do you open on Saturdays?" }] },
      }),
    );
    expect(tried.action).toBe("continue");
    expect(tried.reply).toContain("10am on Saturdays");
    expect(tried.citations.map((c) => c.title)).toEqual(["Shop facts"]);
    const agent = await ws.addMember("agent");
    await expectProblem(
      await api(`/api/v1/ai/assistants/${bot.id}/test`, {
        cookie: await agent.login(),
        body: { messages: [{ role: "customer", text: "Hi" }] },
      }),
      403,
    );
  });
});
