import { and, eq, sql } from "drizzle-orm";
import { conversations, type HandoffBy } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import { type Db, systemPrincipal } from "../../lib/context";
import { ASSISTANT_DEFAULTS } from "../../schemas/assistants";
import { getChannelRow } from "../channels/channels";
import { record } from "../events/record";
import type { AiMark } from "../messaging/contract";
import { changeStatus } from "../messaging/conversation-actions";
import type { ConversationRef } from "../messaging/projection";
import { conversationStub } from "../messaging/stubs";
import { routeAfterAssistant, sayToCustomer } from "../routing/routing";
import { activityRow } from "./activity";
import type { AssistantRow } from "./assistants";

export type { HandoffBy } from "../../db/schema";

const AI_NAME = "Assistant";

/** The assistant's own voice: its name, its messages marked as AI (with what they cite). */
export const assistantVoice = (
  assistant: AssistantRow | null,
  citations: AiMark["citations"] = [],
  handoff = false,
) => ({
  name: assistant?.name ?? AI_NAME,
  ai: { assistant_id: assistant?.id ?? null, citations, ...(handoff ? { handoff } : {}) },
});

const activeConversation = (ref: ConversationRef) =>
  inWorkspace(
    conversations,
    ref.workspaceId,
    and(eq(conversations.id, ref.conversationId), eq(conversations.aiState, "active")),
  );

/** Moves an active conversation to `state`; false when it was not the assistant's any more. */
async function leaveActive(db: Db, ref: ConversationRef, state: "handed_off" | "resolved") {
  const [row] = await db
    .update(conversations)
    .set({ aiState: state })
    .where(activeConversation(ref))
    .returning({ channelId: conversations.channelId });
  return row ?? null;
}

/**
 * The assistant stops and people take over: the customer always hears the handoff message
 * (unless an agent already spoke), agents see why, and the conversation goes through routing
 * (team, business hours, away message, SLA). Nothing happens twice.
 */
export async function handOff(
  db: Db,
  env: Env,
  ref: ConversationRef,
  input: { assistant: AssistantRow | null; reason: string; by: HandoffBy },
  now: number,
): Promise<boolean> {
  const left = await leaveActive(db, ref, "handed_off");
  if (!left) return false;
  const { assistant, reason, by } = input;
  await activityRow(db, ref, { kind: "handoff", assistantId: assistant?.id ?? null, by }, now);
  const stub = conversationStub(env, ref.conversationId);
  if (by !== "agent") {
    const channel = await getChannelRow(db, ref.workspaceId, left.channelId);
    const message = assistant?.handoffMessage ?? ASSISTANT_DEFAULTS.handoff_message;
    await sayToCustomer(
      env,
      { id: ref.conversationId },
      channel,
      message,
      assistantVoice(assistant, [], true),
    );
  }
  await stub.append({
    kind: "event",
    sender: { type: "system", id: null, name: "Conversa" },
    event: { type: "ai_handoff", data: { reason, by } },
  });
  await record({ db, env }, ref.workspaceId, {
    type: "ai.handoff",
    conversation_id: ref.conversationId,
    assistant_id: assistant?.id ?? null,
    reason,
    by,
  });
  if (by === "agent") await stub.markRouted();
  else await routeAfterAssistant(db, env, ref, assistant?.teamId ?? null, now);
  return true;
}

/** The assistant settled the question: recorded, and the conversation closed when it is set to. */
export async function resolveByAssistant(
  db: Db,
  env: Env,
  ref: ConversationRef,
  input: { assistant: AssistantRow; reason: string },
  now: number,
) {
  if (!(await leaveActive(db, ref, "resolved"))) return;
  await activityRow(db, ref, { kind: "resolved", assistantId: input.assistant.id }, now);
  await record({ db, env }, ref.workspaceId, {
    type: "ai.resolved",
    conversation_id: ref.conversationId,
    assistant_id: input.assistant.id,
    reason: input.reason,
  });
  if (input.assistant.resolveCloses)
    await changeStatus(
      db,
      env,
      systemPrincipal(ref.workspaceId),
      ref.conversationId,
      { status: "closed", snoozeUntil: null, reason: `Resolved by ${input.assistant.name}` },
      now,
    );
}

/** An agent hands the conversation back: the assistant answers the customer's next message afresh. */
export async function handBack(db: Db, env: Env, ref: ConversationRef, assistant: AssistantRow) {
  await db
    .update(conversations)
    .set({
      aiState: "active",
      aiAssistantId: assistant.id,
      aiTurns: 0,
      aiContextSeq: sql`${conversations.lastSeq} + 1`,
    })
    .where(inWorkspace(conversations, ref.workspaceId, eq(conversations.id, ref.conversationId)));
  await conversationStub(env, ref.conversationId).append({
    kind: "event",
    sender: { type: "system", id: null, name: "Conversa" },
    event: { type: "ai_handback", data: { assistant: assistant.name } },
  });
}

/**
 * A conversation reopened starts the assistant afresh: it reads nothing from before, so an old
 * handoff cannot loop; one routed to people stays with them.
 */
export async function freshAssistantContext(db: Db, ref: ConversationRef) {
  await db
    .update(conversations)
    .set({ aiState: null, aiTurns: 0, aiContextSeq: sql`${conversations.lastSeq} + 1` })
    .where(
      inWorkspace(
        conversations,
        ref.workspaceId,
        and(eq(conversations.id, ref.conversationId), sql`${conversations.aiState} IS NOT NULL`),
      ),
    );
}
