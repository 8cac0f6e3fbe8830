import type { z } from "@hono/zod-openapi";
import { and, inArray, isNotNull } from "drizzle-orm";
import { messages } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { Problem, validationFailed } from "../../lib/errors";
import type { AgentMessageCreate } from "../../schemas/conversations";
import type { ResendResult } from "../../schemas/outbound-messages";
import { getConversation } from "./conversations";
import { conversationTarget, deliverAgentMessage, prepareAgentMessage } from "./messages";
import { conversationStub } from "./stubs";

type Result = z.infer<typeof ResendResult>;
type AgentMessageBody = z.infer<typeof AgentMessageCreate>;
type Context = { now: number; origin: string };

const refused = (message_id: string, reason: string): Result => ({
  message_id,
  outcome: "refused",
  reason,
});

/** Why the send path refused: the first field error, else the problem's detail. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Problem)) throw error;
  const errors = error.extra.errors as { message: string }[] | undefined;
  return errors?.[0]?.message ?? error.detail ?? error.title;
}

/**
 * Sends one stored message again as a new message in its conversation, the way an agent's
 * reply goes: the channel's rules (reply window, consent, templates) are checked again.
 */
async function resendOne(
  db: Db,
  env: Env,
  principal: Principal,
  row: { id: string; conversationId: string; seq: number },
  context: Context,
): Promise<Result> {
  const stored = await conversationStub(env, row.conversationId).outboundMessage(row.seq);
  if (!stored) return refused(row.id, "The message was not found");
  const { message, options, attachment } = stored;
  try {
    const conversation = await getConversation(db, principal.workspaceId, row.conversationId);
    const target = await conversationTarget(db, principal.workspaceId, conversation);
    const body = options.template
      ? { template: options.template, private: false }
      : {
          text: message.text ?? undefined,
          subject: options.subject,
          // as stored when it was first sent, which the schema checked then
          area: options.area as AgentMessageBody["area"],
          private: false,
        };
    const reply = await prepareAgentMessage(db, principal, target, body, context.now);
    const sent = await deliverAgentMessage(db, env, row.conversationId, reply, {
      ...context,
      attachment: attachment ?? undefined,
    });
    return {
      message_id: row.id,
      outcome: "sent",
      new_message_id: sent.id,
      conversation_id: row.conversationId,
    };
  } catch (error) {
    return { ...refused(row.id, reasonOf(error)), conversation_id: row.conversationId };
  }
}

/**
 * Sends each outbound message again, one after the other; answers in the order asked. An id
 * that is no sent message of this workspace refuses the whole request before anything is sent.
 */
export async function resendMessages(
  db: Db,
  env: Env,
  principal: Principal,
  ids: string[],
  context: Context,
): Promise<Result[]> {
  const unique = [...new Set(ids)];
  const rows = await db
    .select({ id: messages.id, conversationId: messages.conversationId, seq: messages.seq })
    .from(messages)
    .where(
      inWorkspace(
        messages,
        principal.workspaceId,
        and(inArray(messages.id, unique), isNotNull(messages.origin)),
      ),
    );
  const byId = new Map(rows.map((row) => [row.id, row]));
  const unknown = ids.flatMap((id, i) =>
    byId.has(id) ? [] : [{ path: `message_ids.${i}`, message: "no such sent message" }],
  );
  if (unknown.length) throw validationFailed(unknown);
  const results: Result[] = [];
  for (const id of unique) {
    const row = byId.get(id);
    if (row) results.push(await resendOne(db, env, principal, row, context));
  }
  return results;
}
