import type { ConversationDto, MessageDto } from "../../worker/schemas/conversations";
import { api, json, newWebchat, newWorkspace } from "../helpers";
import { fakeOpenAi, putAiSettings } from "./ai-helpers";

export type Workspace = Awaited<ReturnType<typeof newWorkspace>>;

export const SHOP_FACTS = [
  "Our shop opens at 9am on weekdays and 10am on Saturdays.",
  "Refunds are paid back within five business days.",
  "Delivery to Portugal takes three days.",
].join("\n\n");

export async function created<T>(response: Response, what: string) {
  if (response.status !== 201 && response.status !== 200)
    throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return json<T>(response);
}

export const newTeam = async (ws: Workspace, body: Record<string, unknown>) =>
  created<{ id: string }>(await api("/api/v1/teams", { cookie: ws.ownerCookie, body }), "team");

/**
 * A workspace with AI on (its own corner of the fake OpenAI API), a knowledge source with the
 * shop's facts, a web chat routed to a Support team, and an assistant on that channel.
 */
export async function assistantSetup(
  assistant: Record<string, unknown> = {},
  options: { settings?: Record<string, unknown>; routing?: Record<string, unknown> } = {},
) {
  const ws = await newWorkspace();
  const fake = fakeOpenAi();
  await putAiSettings(ws.ownerCookie, {
    enabled: true,
    base_url: fake.baseUrl,
    api_key: "sk-assistant-test",
    ...options.settings,
  });
  await created(
    await api("/api/v1/knowledge/sources", {
      cookie: ws.ownerCookie,
      body: {
        kind: "text",
        title: "Shop facts",
        text: SHOP_FACTS,
      },
    }),
    "knowledge source",
  );
  const support = await newTeam(ws, { name: "Support" });
  const channel = await newWebchat(ws.ownerCookie);
  await created(
    await api(`/api/v1/channels/${channel.id}/routing`, {
      method: "PUT",
      cookie: ws.ownerCookie,
      body: { team_id: support.id, ...options.routing },
    }),
    "routing",
  );
  const bot = await created<{ id: string; name: string }>(
    await api("/api/v1/ai/assistants", {
      cookie: ws.ownerCookie,
      body: { name: "Ada", channel_ids: [channel.id], ...assistant },
    }),
    "assistant",
  );
  return { ws, fake, support, channel, bot };
}

export const messagesOf = async (ws: Workspace, id: string) =>
  (
    await json<{ data: MessageDto[] }>(
      await api(`/api/v1/conversations/${id}/messages?after_seq=0&limit=100`, {
        cookie: ws.ownerCookie,
      }),
    )
  ).data;

export const conversationOf = async (ws: Workspace, id: string) =>
  json<ConversationDto>(await api(`/api/v1/conversations/${id}`, { cookie: ws.ownerCookie }));

/** The assistant's messages in the conversation. */
export const aiSaid = async (ws: Workspace, id: string) =>
  (await messagesOf(ws, id)).filter((m) => m.ai);

export const handoffEvents = async (ws: Workspace, id: string) =>
  (await messagesOf(ws, id)).filter((m) => m.event?.type === "ai_handoff");
