import { desc, eq, lt } from "drizzle-orm";
import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import {
  type AiCallOutcome,
  type AiFeature,
  aiCalls,
  conversations,
  type StoredAiMessage,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { notFound } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { toPage } from "../../lib/pagination";
import type { AiCallDto, AiCallsQuery } from "../../schemas/ai";
import { toIso } from "../../schemas/common";
import { redactPii } from "./redact";

/** What one stored call may hold of prompt and answer together, in characters. */
export const MAX_STORED_CHARS = 16_000;

export type CallRecord = {
  workspaceId: string;
  conversationId: string | null;
  feature: AiFeature;
  model: string;
  messages: ChatCompletionMessageParam[];
  answer: string | null;
  usageId: string | null;
  promptTokens: number;
  completionTokens: number;
  durationMs: number;
  outcome: AiCallOutcome;
  /** The workspace's `redact_pii` at the time of the call. */
  redact: boolean;
};

type Part = { type: string; text?: string; refusal?: string };

function contentText(content: ChatCompletionMessageParam["content"]): string {
  if (typeof content === "string") return content;
  return (content ?? [])
    .map((part: Part) => part.text ?? part.refusal ?? `[${part.type}]`)
    .join("\n");
}

/** A message as the log keeps it: its text, and the tools an assistant turn called. */
function storedMessage(message: ChatCompletionMessageParam): StoredAiMessage {
  const text = contentText(message.content);
  const calls = message.role === "assistant" ? (message.tool_calls ?? []) : [];
  const called = calls.flatMap((c) =>
    c.type === "function" ? [{ name: c.function.name, arguments: c.function.arguments }] : [],
  );
  return {
    role: message.role,
    content: called.length ? [text, JSON.stringify(called)].filter(Boolean).join("\n") : text,
  };
}

/**
 * The call cut to MAX_STORED_CHARS: the answer first (up to half), then the messages from the
 * latest back, so what was cut is the oldest context (the system prompt's tail).
 */
export function bounded(messages: StoredAiMessage[], answer: string | null) {
  let room = MAX_STORED_CHARS;
  let truncated = false;
  const cut = (text: string, most = room) => {
    const kept = text.slice(0, Math.max(0, Math.min(room, most)));
    room -= kept.length;
    if (kept.length === text.length) return text;
    truncated = true;
    return `${kept}…`;
  };
  const storedAnswer = answer === null ? null : cut(answer, MAX_STORED_CHARS / 2);
  const stored = [...messages]
    .reverse()
    .map((m) => ({ role: m.role, content: cut(m.content) }))
    .reverse();
  return { messages: stored, answer: storedAnswer, truncated };
}

/** Stores one chat completion in the call log, masked first when the workspace asks for it. */
export async function storeCall(db: Db, record: CallRecord, now: number) {
  const mask = (text: string) => (record.redact ? redactPii(text) : text);
  const messages = record.messages.map(storedMessage).map((m) => ({
    role: m.role,
    content: mask(m.content),
  }));
  const answer = record.answer === null ? null : mask(record.answer);
  await db.insert(aiCalls).values({
    id: newId("aic", now),
    workspaceId: record.workspaceId,
    usageId: record.usageId,
    conversationId: record.conversationId,
    feature: record.feature,
    model: record.model,
    ...bounded(messages, answer),
    redacted: record.redact,
    promptTokens: record.promptTokens,
    completionTokens: record.completionTokens,
    durationMs: record.durationMs,
    outcome: record.outcome,
    at: now,
  });
}

type CallRow = typeof aiCalls.$inferSelect;

const toDto = (row: CallRow): AiCallDto => ({
  id: row.id,
  feature: row.feature,
  conversation_id: row.conversationId,
  model: row.model,
  outcome: row.outcome,
  messages: row.messages,
  answer: row.answer,
  redacted: row.redacted,
  truncated: row.truncated,
  prompt_tokens: row.promptTokens,
  completion_tokens: row.completionTokens,
  total_tokens: row.promptTokens + row.completionTokens,
  duration_ms: row.durationMs,
  at: toIso(row.at),
});

async function assertConversation(db: Db, workspaceId: string, id: string) {
  const [row] = await db
    .select({ id: conversations.id })
    .from(conversations)
    .where(inWorkspace(conversations, workspaceId, eq(conversations.id, id)));
  if (!row) throw notFound("Conversation");
}

/** The workspace's stored calls, newest first, by keyset pages. */
export async function listCalls(db: Db, workspaceId: string, query: AiCallsQuery) {
  if (query.conversation_id) await assertConversation(db, workspaceId, query.conversation_id);
  const rows = await db
    .select()
    .from(aiCalls)
    .where(
      inWorkspace(
        aiCalls,
        workspaceId,
        query.conversation_id ? eq(aiCalls.conversationId, query.conversation_id) : undefined,
        query.feature ? eq(aiCalls.feature, query.feature) : undefined,
        query.cursor ? lt(aiCalls.id, query.cursor) : undefined,
      ),
    )
    .orderBy(desc(aiCalls.id))
    .limit(query.limit + 1);
  return toPage(rows.map(toDto), query.limit);
}
