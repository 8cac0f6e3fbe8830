import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { createDb } from "../../worker/db/client";
import { classifyOnArrival } from "../../worker/domain/ai/classify";
import { classifyConversation } from "../../worker/listeners/classify";
import { eventually, fakeRequests, scriptFake } from "../channel-helpers";
import { api, json, newWebchat, newWorkspace, visitorSays, visitorSession } from "../helpers";
import { fakeOpenAi, putAiSettings } from "./ai-helpers";

type Conversation = { labels: string[] };
type Message = { kind: string; event: { type: string; data: Record<string, unknown> } | null };

/** A workspace with a web chat, labels, and AI against its own corner of the fake. */
async function labelledWorkspace(classify: boolean) {
  const ws = await newWorkspace();
  const cookie = ws.ownerCookie;
  for (const name of ["billing", "refund", "shipping"]) {
    const created = await api("/api/v1/labels", { cookie, body: { name, colour: "#335577" } });
    expect(created.status).toBe(201);
  }
  const fake = fakeOpenAi();
  await putAiSettings(cookie, {
    enabled: true,
    base_url: fake.baseUrl,
    api_key: "sk-test-classify",
    classify_on_arrival: classify,
  });
  const channel = await newWebchat(cookie);
  const visitor = await visitorSession(channel.id);
  return { ws, cookie, fake, visitor };
}

const conversationOf = async (cookie: string, id: string) =>
  json<Conversation>(await api(`/api/v1/conversations/${id}`, { cookie }));

describe("classifying a conversation on arrival", () => {
  it("labels it from the first customer message, through the queue, once", async () => {
    const { cookie, fake, visitor } = await labelledWorkspace(true);
    const first = await visitorSays(visitor.token, "I want a refund, the billing is wrong");
    const id = first.conversation_id;
    const labels = await eventually(async () => {
      const { labels } = await conversationOf(cookie, id);
      return labels.length ? labels : undefined;
    }, "labels from the classification");
    expect([...labels].sort()).toEqual(["billing", "refund"]);

    // applied like an agent's labels: the timeline says so
    const timeline = await json<{ data: Message[] }>(
      await api(`/api/v1/conversations/${id}/messages`, { cookie }),
    );
    expect(timeline.data.find((m) => m.event?.type === "labels_changed")?.event?.data).toEqual(
      expect.objectContaining({ added: ["billing", "refund"] }),
    );

    // the request offered only the workspace's labels
    const [sent] = await fakeRequests(`${fake.path}/chat/completions`);
    const body = JSON.parse(sent?.body ?? "{}");
    expect(body.response_format.json_schema.name).toBe("copilot_classification");
    expect(body.response_format.json_schema.schema.properties.labels.items.enum).toEqual([
      "billing",
      "refund",
      "shipping",
    ]);

    // a later customer message is not classified again
    await visitorSays(visitor.token, "Also, what about shipping?");
    const again = await classifyOnArrival(createDb(env.DB), env, {
      workspaceId: (await workspaceOf(cookie)).id,
      conversationId: id,
      seq: Number.MAX_SAFE_INTEGER,
      text: "Also, what about shipping?",
    });
    expect(again).toEqual([]);
    expect(await fakeRequests(`${fake.path}/chat/completions`)).toHaveLength(1);
    expect((await conversationOf(cookie, id)).labels.sort()).toEqual(["billing", "refund"]);
  });

  it("does nothing when the workspace has it off", async () => {
    const { ws, cookie, fake, visitor } = await labelledWorkspace(false);
    const first = await visitorSays(visitor.token, "I want a refund, the billing is wrong");
    const applied = await classifyOnArrival(createDb(env.DB), env, {
      workspaceId: ws.id,
      conversationId: first.conversation_id,
      seq: first.message.seq,
      text: first.message.text,
    });
    expect(applied).toEqual([]);
    expect(await fakeRequests(fake.path)).toEqual([]);
    expect((await conversationOf(cookie, first.conversation_id)).labels).toEqual([]);
  });

  it("only logs when the provider fails: the conversation goes on unlabelled", async () => {
    const { ws, cookie, fake, visitor } = await labelledWorkspace(true);
    // every call fails, whether the queue's or this test's own
    await scriptFake({ path: `${fake.path}/chat/completions`, status: 500, times: 20 });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const first = await visitorSays(visitor.token, "I want a refund");
      await classifyConversation({ db: createDb(env.DB), env }, {
        id: "evt_test",
        type: "message.received",
        workspace_id: ws.id,
        at: Date.now(),
        conversation_id: first.conversation_id,
        message: {
          id: first.message.id,
          seq: first.message.seq,
          kind: "text",
          text: first.message.text,
          created_at: new Date().toISOString(),
          sender_type: "visitor",
          has_attachment: false,
        },
      } as Parameters<typeof classifyConversation>[1]);
      expect(warn).toHaveBeenCalledWith(
        expect.stringContaining(first.conversation_id),
        expect.stringContaining("500"),
      );
      expect((await conversationOf(cookie, first.conversation_id)).labels).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });
});

async function workspaceOf(cookie: string) {
  return json<{ workspace: { id: string } }>(await api("/api/v1/me", { cookie })).then(
    (me) => me.workspace,
  );
}
