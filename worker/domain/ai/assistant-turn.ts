import { and, eq, lt } from "drizzle-orm";
import { conversations } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import { systemClock } from "../../lib/clock";
import { type Db, systemPrincipal } from "../../lib/context";
import { AssistantDecision, type AssistantDecisionValue } from "../../schemas/assistants";
import type { MessageDto } from "../../schemas/conversations";
import { getChannelRow } from "../channels/channels";
import { type ContactDto, getContact, updateContact } from "../contacts/contacts";
import { type FieldDefinition, fieldValueFromText, listContactFields } from "../contacts/fields";
import { searchKnowledge } from "../knowledge/search";
import type { ConversationRef } from "../messaging/projection";
import { conversationStub } from "../messaging/stubs";
import { sayToCustomer } from "../routing/routing";
import { activityRow } from "./activity";
import {
  asksForPerson,
  CONTEXT_MESSAGES,
  chatTurns,
  citationsOf,
  PASSAGES,
  systemPrompt,
} from "./assistant-prompt";
import { type AssistantRow, BUILT_IN_FIELDS } from "./assistants";
import { assistantHasConversation } from "./engagement";
import { assistantVoice, handOff, resolveByAssistant } from "./handoff";
import { stringFieldSoFar } from "./partial-json";
import { AiUnavailable, complete, completeStructured } from "./provider";

type ConversationRow = typeof conversations.$inferSelect;

/** The customer's message the assistant answers. */
export type CustomerMessage = { seq: number; text: string | null };

/**
 * Takes the message as the assistant's turn, once: a redelivered event, or one overtaken by a
 * newer message the assistant will answer instead, takes none.
 */
async function claimTurn(db: Db, conversation: ConversationRow, seq: number) {
  const [row] = await db
    .update(conversations)
    .set({ aiAnsweredSeq: seq })
    .where(
      inWorkspace(
        conversations,
        conversation.workspaceId,
        and(
          eq(conversations.id, conversation.id),
          eq(conversations.aiState, "active"),
          lt(conversations.aiAnsweredSeq, seq),
        ),
      ),
    )
    .returning({ id: conversations.id });
  return row !== undefined;
}

const fromCustomer = (m: MessageDto) => m.sender.type === "visitor" || m.sender.type === "contact";

/** The customer's recent words: a short follow-up ("and in Porto?") finds passages with what came before. */
const questionOf = (thread: MessageDto[]) =>
  thread
    .filter(fromCustomer)
    .slice(-3)
    .map((m) => m.text ?? "")
    .join("\n");

/** What the assistant needs to know for one answer: the thread, the passages, the contact. */
async function contextOf(db: Db, env: Env, conversation: ConversationRow) {
  const [messages, contact, fields] = await Promise.all([
    conversationStub(env, conversation.id).list({
      afterSeq: Math.max(conversation.aiContextSeq - 1, 0),
      limit: 10_000,
      audience: "visitor",
    }),
    getContact(db, conversation.workspaceId, conversation.contactId).catch(() => null),
    listContactFields(db, conversation.workspaceId),
  ]);
  const thread = messages.slice(-CONTEXT_MESSAGES);
  const hits = await searchKnowledge(db, conversation.workspaceId, questionOf(thread), PASSAGES, {
    env,
    clock: systemClock,
    conversationId: conversation.id,
  });
  return { thread, hits, contact, fields };
}

/** At most one draft of a reply being written this often. */
const DRAFT_EVERY_MS = 100;

/** Shows the customer the reply as the model writes it, once it is known not to be a handoff. */
function draftShower(env: Env, conversationId: string, name: string) {
  const stub = conversationStub(env, conversationId);
  let shown = "";
  let shownAt = 0;
  return async (soFar: string) => {
    const action = stringFieldSoFar(soFar, "action");
    if (!action?.complete || action.value === "handoff") return;
    const reply = stringFieldSoFar(soFar, "reply");
    if (!reply || reply.value.length <= shown.length) return;
    if (!reply.complete && Date.now() - shownAt < DRAFT_EVERY_MS) return;
    shown = reply.value;
    shownAt = Date.now();
    await stub.draft({ name, text: shown });
  };
}

/**
 * The assistant's decision on the thread, checked against its schema; streamed when `onText`
 * wants to see it being written.
 */
export async function decide(
  db: Db,
  env: Env,
  input: {
    assistant: AssistantRow;
    conversationId: string | null;
    turns: ReturnType<typeof chatTurns>;
    hits: Awaited<ReturnType<typeof searchKnowledge>>;
    contact: ContactDto | null;
    fields: FieldDefinition[];
  },
  onText?: (soFar: string) => Promise<void>,
): Promise<AssistantDecisionValue> {
  const call = {
    db,
    env,
    clock: systemClock,
    workspaceId: input.assistant.workspaceId,
    feature: "assistant" as const,
    conversationId: input.conversationId,
  };
  const request = {
    messages: [{ role: "system" as const, content: systemPrompt(input) }, ...input.turns],
    output: { name: "assistant_decision", schema: AssistantDecision },
    maxTokens: 800,
  };
  if (onText) return completeStructured(call, request, onText);
  const answer = await complete(call, request);
  if (!answer.output)
    throw new AiUnavailable("provider_error", "The AI provider gave no decision.");
  return answer.output;
}

/** The fields the customer gave that the assistant was asked to collect, each as its type wants it. */
function collected(
  assistant: AssistantRow,
  fields: FieldDefinition[],
  given: AssistantDecisionValue["fields"],
) {
  const builtIn: Record<string, string> = {};
  const custom: Record<string, string | number | boolean> = {};
  for (const { key, value } of given) {
    const text = value.trim();
    if (!text || !assistant.collectFields.includes(key)) continue;
    if ((BUILT_IN_FIELDS as readonly string[]).includes(key)) {
      builtIn[key] = text;
      continue;
    }
    const field = fields.find((f) => f.key === key);
    const typed = field ? fieldValueFromText(field, text) : null;
    if (typed !== null && typeof typed !== "object") custom[key] = typed;
  }
  return { builtIn, custom };
}

/**
 * Saves what the customer gave, one field at a time so one bad value (an email that is not one,
 * a phone another contact has) loses only itself; the contact's own rules check each.
 */
async function saveFields(
  db: Db,
  env: Env,
  conversation: ConversationRow,
  values: ReturnType<typeof collected>,
  now: number,
) {
  const patches = [
    ...Object.entries(values.builtIn).map(([key, value]) => ({ [key]: value })),
    ...Object.entries(values.custom).map(([key, value]) => ({ custom_fields: { [key]: value } })),
  ];
  for (const patch of patches) {
    await updateContact(
      db,
      env,
      systemPrincipal(conversation.workspaceId),
      conversation.contactId,
      patch,
      now,
    ).catch(() => {});
  }
}

async function say(
  db: Db,
  env: Env,
  conversation: ConversationRow,
  assistant: AssistantRow,
  text: string,
  citations: ReturnType<typeof citationsOf> = [],
) {
  const channel = await getChannelRow(db, conversation.workspaceId, conversation.channelId);
  await sayToCustomer(env, conversation, channel, text, assistantVoice(assistant, citations));
}

/** An answer given: counted against the assistant's turns, and for the AI report. */
async function countTurn(
  db: Db,
  conversation: ConversationRow,
  assistant: AssistantRow,
  now: number,
) {
  const ref = { workspaceId: conversation.workspaceId, conversationId: conversation.id };
  await db.batch([
    db
      .update(conversations)
      .set({ aiTurns: conversation.aiTurns + 1 })
      .where(
        inWorkspace(conversations, conversation.workspaceId, eq(conversations.id, conversation.id)),
      ),
    activityRow(db, ref, { kind: "answer", assistantId: assistant.id }, now),
  ]);
}

/** What the assistant does with its decision: says the reply, saves fields, hands over or settles. */
async function act(
  db: Db,
  env: Env,
  conversation: ConversationRow,
  assistant: AssistantRow,
  decision: AssistantDecisionValue,
  context: Awaited<ReturnType<typeof contextOf>>,
  now: number,
) {
  const ref = { workspaceId: conversation.workspaceId, conversationId: conversation.id };
  await saveFields(
    db,
    env,
    conversation,
    collected(assistant, context.fields, decision.fields),
    now,
  );
  const reason = decision.reason.trim() || decision.action;
  if (decision.action === "handoff" && assistant.handoffEnabled) {
    await handOff(db, env, ref, { assistant, reason, by: "assistant" }, now);
    return;
  }
  const reply = decision.reply.trim() || assistant.noHandoffMessage;
  await say(db, env, conversation, assistant, reply, citationsOf(decision.citations, context.hits));
  await countTurn(db, conversation, assistant, now);
  if (decision.action === "resolve")
    await resolveByAssistant(db, env, ref, { assistant, reason }, now);
}

/** While the assistant thinks, the customer sees it typing. */
async function typing<T>(env: Env, conversationId: string, name: string, work: () => Promise<T>) {
  const stub = conversationStub(env, conversationId);
  await stub.typing({ name, typing: true });
  try {
    return await work();
  } finally {
    await stub.typing({ name, typing: false });
  }
}

/**
 * The conversation as the turn finds it. A new one routing has not looked at yet (the queue can
 * be first) is claimed here by the same rule routing uses, so its first message is answered.
 */
async function withAssistant(db: Db, env: Env, ref: ConversationRef, text: string, now: number) {
  const read = () =>
    db.query.conversations.findFirst({
      where: inWorkspace(conversations, ref.workspaceId, eq(conversations.id, ref.conversationId)),
    });
  const conversation = await read();
  if (conversation?.aiState !== null || (await conversationStub(env, conversation.id).isRouted()))
    return conversation;
  const channel = await getChannelRow(db, ref.workspaceId, conversation.channelId);
  return (await assistantHasConversation(db, conversation, channel, text, now))
    ? read()
    : conversation;
}

/**
 * The assistant's turn on a customer's message: a person asked for is a handoff without asking
 * the model; past its turns it hands over; otherwise it answers from the knowledge base. Any
 * failure of the provider (timeout, error, budget) hands the conversation to people.
 */
export async function takeTurn(
  db: Db,
  env: Env,
  ref: ConversationRef,
  message: CustomerMessage,
  assistantOf: (id: string) => Promise<AssistantRow | null>,
  now: number,
) {
  const conversation = await withAssistant(db, env, ref, message.text ?? "", now);
  if (conversation?.aiState !== "active" || conversation.status === "closed") return;
  if (!(await claimTurn(db, conversation, message.seq))) return;
  const assistant = conversation.aiAssistantId
    ? await assistantOf(conversation.aiAssistantId)
    : null;
  const handOver = (reason: string, by: "assistant" | "customer" | "error") =>
    handOff(db, env, ref, { assistant, reason, by }, now);
  if (!assistant?.enabled) return handOver("the assistant was turned off", "assistant");
  const text = message.text ?? "";
  if (asksForPerson(text)) {
    if (assistant.handoffEnabled) return handOver("the customer asked for a person", "customer");
    return say(db, env, conversation, assistant, assistant.noHandoffMessage);
  }
  if (conversation.aiTurns >= assistant.maxTurns && assistant.handoffEnabled)
    return handOver(`the assistant answered ${assistant.maxTurns} times`, "assistant");
  try {
    await typing(env, conversation.id, assistant.name, async () => {
      const context = await contextOf(db, env, conversation);
      // a newer message's turn answers both
      if (context.thread.some((m) => m.seq > message.seq && fromCustomer(m))) return;
      const decision = await decide(
        db,
        env,
        {
          assistant,
          conversationId: conversation.id,
          turns: chatTurns(context.thread),
          ...context,
        },
        draftShower(env, conversation.id, assistant.name),
      );
      await act(db, env, conversation, assistant, decision, context, now);
    });
  } catch (error) {
    // the turn is taken: a retry would leave the customer unanswered, so people take over now
    if (!(error instanceof AiUnavailable)) console.error("the assistant's turn failed", error);
    const reason = error instanceof AiUnavailable ? error.message : "the assistant failed";
    await handOver(reason, "error");
  }
}
