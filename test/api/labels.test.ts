import { describe, expect, it } from "vitest";
import {
  api,
  expectProblem,
  json,
  newWebchat,
  newWorkspace,
  visitorSays,
  visitorSession,
} from "../helpers";

type Label = { id: string; name: string; colour: string; conversation_count: number };

async function labelledConversation(cookie: string, labels: string[]) {
  const channel = await newWebchat(cookie);
  const visitor = await visitorSession(channel.id);
  const { conversation_id: id } = await visitorSays(visitor.token, "hello");
  const labelled = await api(`/api/v1/conversations/${id}/labels`, { cookie, body: { labels } });
  expect(labelled.status).toBe(200);
  return id;
}

const labelsOf = async (cookie: string, id: string) =>
  (await json<{ labels: string[] }>(await api(`/api/v1/conversations/${id}`, { cookie }))).labels;

describe("labels", () => {
  it("are a catalogue with colours; a rename follows on conversations and a delete takes them off", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const created = await api("/api/v1/labels", {
      cookie,
      body: { name: "Billing", colour: "#AA3300" },
    });
    expect(created.status).toBe(201);
    const billing = await json<Label>(created);
    expect(billing).toMatchObject({ name: "billing", colour: "#aa3300", conversation_count: 0 });

    const both = await labelledConversation(cookie, ["billing", "urgent"]);
    const billingOnly = await labelledConversation(cookie, ["billing"]);
    const listed = await json<{ data: Label[] }>(await api("/api/v1/labels", { cookie }));
    expect(listed.data.map((l) => [l.name, l.conversation_count])).toEqual([["billing", 2]]);

    // renaming onto a name one conversation already carries keeps a single label there
    const renamed = await api(`/api/v1/labels/${billing.id}`, {
      cookie,
      method: "PATCH",
      body: { name: "urgent" },
    });
    expect(renamed.status).toBe(200);
    expect(await json<Label>(renamed)).toMatchObject({ name: "urgent", conversation_count: 2 });
    expect(await labelsOf(cookie, both)).toEqual(["urgent"]);
    expect(await labelsOf(cookie, billingOnly)).toEqual(["urgent"]);

    expect((await api(`/api/v1/labels/${billing.id}`, { cookie, method: "DELETE" })).status).toBe(
      204,
    );
    expect(await labelsOf(cookie, both)).toEqual([]);
    expect((await json<{ data: Label[] }>(await api("/api/v1/labels", { cookie }))).data).toEqual(
      [],
    );
  });

  it("refuses a bad colour, a taken name and agents, storing nothing", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const bad = await expectProblem(
      await api("/api/v1/labels", { cookie, body: { name: "vip", colour: "red" } }),
      422,
    );
    expect(bad.errors?.[0]?.path).toBe("colour");
    await api("/api/v1/labels", { cookie, body: { name: "vip", colour: "#111111" } });
    const taken = await expectProblem(
      await api("/api/v1/labels", { cookie, body: { name: "VIP", colour: "#222222" } }),
      409,
    );
    expect(taken.errors?.[0]?.path).toBe("name");
    const agent = await (await ws.addMember("agent")).login();
    expect(
      (await api("/api/v1/labels", { cookie: agent, body: { name: "x", colour: "#333333" } }))
        .status,
    ).toBe(403);
    const listed = await json<{ data: Label[] }>(await api("/api/v1/labels", { cookie: agent }));
    expect(listed.data.map((l) => [l.name, l.colour])).toEqual([["vip", "#111111"]]);
  });
});

describe("a person's own preferences", () => {
  it("keeps the language and notification choices on the person, across workspaces", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const before = await json<{
      user: { language: string | null; presence: string; notifications: Record<string, boolean> };
    }>(await api("/api/v1/me", { cookie }));
    expect(before.user.language).toBeNull();
    expect(before.user.notifications).toEqual({
      sound: true,
      desktop: true,
      new_conversations: true,
      my_messages: true,
    });
    const changed = await api("/api/v1/me", {
      cookie,
      method: "PATCH",
      body: { language: "pt-BR", notifications: { sound: false } },
    });
    expect(changed.status).toBe(200);
    const after = await json<typeof before>(changed);
    expect(after.user.language).toBe("pt-BR");
    expect(after.user.notifications).toMatchObject({ sound: false, desktop: true });

    const other = await newWorkspace("Other");
    const there = await (await other.addExisting(ws.owner, "agent")).login();
    const seenThere = await json<typeof before>(await api("/api/v1/me", { cookie: there }));
    expect(seenThere.user.language).toBe("pt-BR");
    expect(seenThere.user.notifications.sound).toBe(false);
  });

  it("refuses an unknown language or preference with the field's path, changing nothing", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const unknown = await expectProblem(
      await api("/api/v1/me", {
        cookie,
        method: "PATCH",
        body: { language: "xx", name: "New name" },
      }),
      422,
    );
    expect(unknown.errors?.[0]?.path).toBe("language");
    const extra = await expectProblem(
      await api("/api/v1/me", {
        cookie,
        method: "PATCH",
        body: { notifications: { pager: true } },
      }),
      422,
    );
    expect(extra.errors?.[0]?.path).toMatch(/^notifications/);
    const me = await json<{ user: { name: string; language: string | null } }>(
      await api("/api/v1/me", { cookie }),
    );
    expect(me.user.language).toBeNull();
    expect(me.user.name).not.toBe("New name");
  });
});
