import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MessageDto } from "../../worker/schemas/conversations";
import {
  api,
  expectProblem,
  json,
  messageFrames,
  newVisitorConversation,
  newWebchat,
  newWorkspace,
  openSocket,
  visitorSays,
  visitorSession,
} from "../helpers";

type Workspace = Awaited<ReturnType<typeof newWorkspace>>;
type WidgetChannel = {
  away: boolean;
  away_reason: string | null;
  opens_at: string | null;
  language: string | null;
  prechat: Record<string, string>;
};

const widgetChannel = async (id: string) =>
  json<WidgetChannel>(await api(`/widget/v1/channels/${id}`, { origin: null }));

const asVisitor = (token: string, init: { method?: string; body?: unknown } = {}) => ({
  ...init,
  headers: { authorization: `Bearer ${token}` },
  origin: null,
});

const goOnline = (ws: Workspace, userId: string) =>
  env.WORKSPACE_HUB.get(env.WORKSPACE_HUB.idFromName(ws.id)).setPresence(ws.id, userId, "online");

async function visitorMessages(token: string, conversationId: string) {
  const page = await json<{ data: MessageDto[] }>(
    await api(
      `/widget/v1/conversations/${conversationId}/messages?after_seq=0&limit=100`,
      asVisitor(token),
    ),
  );
  return page.data;
}

const closeConversation = (ws: Workspace, id: string) =>
  api(`/api/v1/conversations/${id}/status`, {
    cookie: ws.ownerCookie,
    body: { status: "closed" },
  });

describe("web-chat channel settings for the widget", () => {
  it("keeps a language and a pre-chat form, and shows them to the widget", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie, {
      language: "ar",
      prechat: { name: "required", email: "optional" },
    });
    const config = await widgetChannel(channel.id);
    expect(config.language).toBe("ar");
    expect(config.prechat).toEqual({ name: "required", email: "optional", phone: "off" });
    const plain = await widgetChannel((await newWebchat(ws.ownerCookie)).id);
    expect(plain.language).toBeNull();
    expect(plain.prechat).toEqual({ name: "off", email: "off", phone: "off" });
  });

  it("refuses an unknown language or pre-chat setting, naming the field, and keeps the old config", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie, { language: "es" });
    const badLanguage = await expectProblem(
      await api(`/api/v1/channels/${channel.id}`, {
        method: "PATCH",
        cookie: ws.ownerCookie,
        body: { config: { language: "klingon" } },
      }),
      422,
    );
    expect(badLanguage.errors?.[0]?.path).toBe("config.language");
    const badField = await expectProblem(
      await api(`/api/v1/channels/${channel.id}`, {
        method: "PATCH",
        cookie: ws.ownerCookie,
        body: { config: { prechat: { email: "always" } } },
      }),
      422,
    );
    expect(badField.errors?.[0]?.path).toBe("config.prechat.email");
    const unknownField = await expectProblem(
      await api(`/api/v1/channels/${channel.id}`, {
        method: "PATCH",
        cookie: ws.ownerCookie,
        body: { config: { prechat: { company: "required" } } },
      }),
      422,
    );
    expect(unknownField.errors?.[0]?.path).toMatch(/^config\.prechat/);
    expect((await widgetChannel(channel.id)).language).toBe("es");
  });
});

describe("whether anyone can answer", () => {
  it("is away while nobody is online, and not once an agent is", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    expect(await widgetChannel(channel.id)).toMatchObject({ away: true, away_reason: "offline" });
    await goOnline(ws, ws.owner.id);
    expect(await widgetChannel(channel.id)).toMatchObject({ away: false, away_reason: null });
  });

  it("is away when switched to away by hand", async () => {
    const ws = await newWorkspace();
    await goOnline(ws, ws.owner.id);
    const channel = await newWebchat(ws.ownerCookie, { away: true });
    expect(await widgetChannel(channel.id)).toMatchObject({ away: true, away_reason: "manual" });
  });

  it("looks at the routing team only: its members online, its hours open", async () => {
    const ws = await newWorkspace();
    const agent = await ws.addMember("agent");
    const team = await json<{ id: string }>(
      await api("/api/v1/teams", {
        cookie: ws.ownerCookie,
        body: { name: "Support", member_ids: [agent.id] },
      }),
    );
    const channel = await newWebchat(ws.ownerCookie);
    await api(`/api/v1/channels/${channel.id}/routing`, {
      method: "PUT",
      cookie: ws.ownerCookie,
      body: { team_id: team.id },
    });
    // the owner is online but not in the team
    await goOnline(ws, ws.owner.id);
    expect(await widgetChannel(channel.id)).toMatchObject({ away: true, away_reason: "offline" });
    await goOnline(ws, agent.id);
    expect((await widgetChannel(channel.id)).away).toBe(false);

    // hours open on Mondays only from 09:00 to 10:00 in Madrid: out of hours most of the week
    const monday = await json<{ id: string }>(
      await api("/api/v1/business-hours", {
        cookie: ws.ownerCookie,
        body: {
          name: "Monday hour",
          timezone: "Europe/Madrid",
          weekly: [{ day: 1, open: "09:00", close: "10:00" }],
        },
      }),
    );
    await api(`/api/v1/channels/${channel.id}/routing`, {
      method: "PUT",
      cookie: ws.ownerCookie,
      body: { team_id: team.id, business_hours_id: monday.id },
    });
    const state = await widgetChannel(channel.id);
    const now = new Date();
    const inThatHour =
      new Intl.DateTimeFormat("en-GB", {
        timeZone: "Europe/Madrid",
        weekday: "short",
        hour: "2-digit",
        hourCycle: "h23",
      }).format(now) === "Mon, 09";
    if (inThatHour) expect(state.away).toBe(false);
    else {
      expect(state).toMatchObject({ away: true, away_reason: "closed" });
      const opensAt = new Date(state.opens_at ?? "");
      expect(opensAt.getTime()).toBeGreaterThan(now.getTime());
      expect(
        new Intl.DateTimeFormat("en-GB", {
          timeZone: "Europe/Madrid",
          weekday: "short",
          hour: "2-digit",
          minute: "2-digit",
          hourCycle: "h23",
        }).format(opensAt),
      ).toBe("Mon 09:00");
    }
  });
});

describe("what the visitor tells about themselves", () => {
  it("keeps name, email and phone on their contact and names them in a fresh token", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(channel.id);
    const response = await api(
      "/widget/v1/contact",
      asVisitor(visitor.token, {
        method: "PATCH",
        body: { name: "Marta Ruiz", email: "Marta@Example.com", phone: "+34 612 345 678" },
      }),
    );
    expect(response.status).toBe(200);
    const told = await json<{ token: string; name: string; email: string; phone: string }>(
      response,
    );
    expect(told).toMatchObject({
      name: "Marta Ruiz",
      email: "marta@example.com",
      phone: "+34612345678",
    });
    const contact = await json<{ name: string; email: string; phone: string }>(
      await api(`/api/v1/contacts/${visitor.visitor_id}`, { cookie: ws.ownerCookie }),
    );
    expect(contact).toMatchObject({
      name: "Marta Ruiz",
      email: "marta@example.com",
      phone: "+34612345678",
    });
    // the new token carries the name onto the visitor's messages
    const sent = await visitorSays(told.token, "Hola");
    const [message] = await visitorMessages(told.token, sent.conversation_id);
    expect(message?.sender.name).toBe("Marta Ruiz");
  });

  it("refuses a bad email or phone naming the field, storing nothing", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(channel.id);
    const badEmail = await expectProblem(
      await api(
        "/widget/v1/contact",
        asVisitor(visitor.token, { method: "PATCH", body: { name: "X", email: "not-an-email" } }),
      ),
      422,
    );
    expect(badEmail.errors?.[0]?.path).toBe("email");
    const badPhone = await expectProblem(
      await api(
        "/widget/v1/contact",
        asVisitor(visitor.token, { method: "PATCH", body: { name: "X", phone: "12" } }),
      ),
      422,
    );
    expect(badPhone.errors?.[0]?.path).toBe("phone");
    await expectProblem(
      await api("/widget/v1/contact", asVisitor(visitor.token, { method: "PATCH", body: {} })),
      422,
    );
    await expectProblem(
      await api("/widget/v1/contact", { method: "PATCH", body: { name: "X" }, origin: null }),
      401,
    );
    const contact = await json<{ name: string; email: string | null; phone: string | null }>(
      await api(`/api/v1/contacts/${visitor.visitor_id}`, { cookie: ws.ownerCookie }),
    );
    expect(contact.name).not.toBe("X");
    expect(contact).toMatchObject({ email: null, phone: null });
  });

  it("does not take over an email another contact has", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    await api("/api/v1/contacts", {
      cookie: ws.ownerCookie,
      body: { name: "Known", email: "known@example.com" },
    });
    const visitor = await visitorSession(channel.id);
    const told = await json<{ email: string | null }>(
      await api(
        "/widget/v1/contact",
        asVisitor(visitor.token, { method: "PATCH", body: { email: "known@example.com" } }),
      ),
    );
    expect(told.email).toBeNull();
  });

  it("answers any body with a clear status and changes nothing when it refuses", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(channel.id);
    const contactOf = async () =>
      JSON.stringify(
        await json(await api(`/api/v1/contacts/${visitor.visitor_id}`, { cookie: ws.ownerCookie })),
      );
    let before = await contactOf();
    const field = fc.oneof(
      fc.string(),
      fc.constantFrom("+34612345678", "a@b.co", "", " ", "x\ny", "+1 650 555 0100"),
      fc.jsonValue(),
    );
    const bodies = fc.oneof(
      fc.jsonValue(),
      fc.dictionary(fc.constantFrom("name", "email", "phone", "other"), field, { maxKeys: 4 }),
    );
    await fc.assert(
      fc.asyncProperty(bodies, async (body) => {
        const response = await api(
          "/widget/v1/contact",
          asVisitor(visitor.token, { method: "PATCH", body }),
        );
        expect(response.status, JSON.stringify(body)).toBeLessThan(500);
        const after = await contactOf();
        if (response.status >= 400) {
          expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
          expect(after, JSON.stringify(body)).toBe(before);
        }
        before = after;
      }),
      { numRuns: 60 },
    );
  });
});

describe("the visitor's history", () => {
  it("lists closed conversations, keeps them readable, and a new message starts a new one", async () => {
    const { ws, visitor, conversationId } = await newVisitorConversation("First question");
    await api(`/api/v1/conversations/${conversationId}/messages`, {
      cookie: ws.ownerCookie,
      body: { text: "Internal: check the order", private: true },
    });
    await api(`/api/v1/conversations/${conversationId}/labels`, {
      cookie: ws.ownerCookie,
      body: { labels: ["vip"] },
    });
    expect((await closeConversation(ws, conversationId)).status).toBe(200);

    const again = await visitorSays(visitor.token, "One more thing");
    expect(again.conversation_id).not.toBe(conversationId);
    const list = await json<{ data: { id: string; status: string }[] }>(
      await api("/widget/v1/conversations", asVisitor(visitor.token)),
    );
    expect(list.data.map((c) => [c.id, c.status])).toEqual([
      [again.conversation_id, "open"],
      [conversationId, "closed"],
    ]);

    const old = await visitorMessages(visitor.token, conversationId);
    expect(old.map((m) => [m.kind, m.text ?? m.event?.type])).toEqual([
      ["text", "First question"],
      ["event", "status_changed"],
    ]);
    expect(old[1]?.event?.data).toEqual({ from: "open", to: "closed" });
  });

  it("answers another visitor's conversations with nothing of theirs", async () => {
    const { channel, conversationId } = await newVisitorConversation("Mine");
    const stranger = await visitorSession(channel.id);
    const list = await json<{ data: unknown[] }>(
      await api("/widget/v1/conversations", asVisitor(stranger.token)),
    );
    expect(list.data).toEqual([]);
    await expectProblem(
      await api(
        `/widget/v1/conversations/${conversationId}/messages?after_seq=0`,
        asVisitor(stranger.token),
      ),
      404,
    );
    await expectProblem(await api("/widget/v1/conversations", { origin: null }), 401);
  });
});

describe("the visitor's socket", () => {
  it("hears who joined and when the agent read, but no labels or notes", async () => {
    const { ws, visitor, conversationId } = await newVisitorConversation("Hello?");
    const customer = await openSocket(
      `/widget/v1/conversations/${conversationId}/ws?token=${encodeURIComponent(visitor.token)}&after_seq=1`,
    );
    await api(`/api/v1/conversations/${conversationId}/labels`, {
      cookie: ws.ownerCookie,
      body: { labels: ["billing"] },
    });
    await api(`/api/v1/conversations/${conversationId}/messages`, {
      cookie: ws.ownerCookie,
      body: { text: "secret note", private: true },
    });
    await api(`/api/v1/conversations/${conversationId}/assign`, {
      cookie: ws.ownerCookie,
      body: { user_id: ws.owner.id },
    });
    await api(`/api/v1/conversations/${conversationId}/messages`, {
      cookie: ws.ownerCookie,
      body: { text: "Hi, I'm here" },
    });
    await customer.until((f) => messageFrames(f).some((m) => m.text === "Hi, I'm here"));
    const seen = messageFrames(customer.frames) as unknown as MessageDto[];
    expect(seen.map((m) => m.event?.type ?? m.text)).toEqual(["assigned", "Hi, I'm here"]);
    expect(seen[0]?.event?.data).toEqual({ to_name: expect.stringMatching(/^owner /) });

    expect(
      (
        await api(`/api/v1/conversations/${conversationId}/read`, {
          method: "POST",
          cookie: ws.ownerCookie,
        })
      ).status,
    ).toBe(204);
    const lastSeq = seen.at(-1)?.seq ?? 0;
    await customer.until((f) =>
      f.some((x) => x.type === "read" && x.side === "agent" && x.seq === lastSeq),
    );
    customer.close();

    // a visitor connecting later hears where the agent read up to at once
    const later = await openSocket(
      `/widget/v1/conversations/${conversationId}/ws?token=${encodeURIComponent(visitor.token)}&after_seq=${lastSeq}`,
    );
    await later.until((f) =>
      f.some((x) => x.type === "read" && x.side === "agent" && x.seq === lastSeq),
    );
    later.close();
  });

  it("carries the visitor's typing to the agent and the agent's, with their name, to the visitor", async () => {
    const { ws, visitor, conversationId } = await newVisitorConversation("Typing test");
    const agent = await openSocket(`/api/v1/conversations/${conversationId}/ws?after_seq=1`, {
      cookie: ws.ownerCookie,
    });
    const customer = await openSocket(
      `/widget/v1/conversations/${conversationId}/ws?token=${encodeURIComponent(visitor.token)}&after_seq=1`,
    );
    customer.send({ type: "typing", typing: true });
    await agent.until((f) =>
      f.some((x) => x.type === "typing" && x.side === "visitor" && x.typing),
    );
    agent.send({ type: "typing", typing: true });
    await customer.until((f) =>
      f.some(
        (x) => x.type === "typing" && x.side === "agent" && String(x.name).startsWith("owner "),
      ),
    );
    agent.close();
    customer.close();
  });
});
