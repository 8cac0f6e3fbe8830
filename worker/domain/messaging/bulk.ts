import type { z } from "@hono/zod-openapi";
import { inArray } from "drizzle-orm";
import { readInChunks } from "../../db/chunks";
import { conversations } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { Problem, validationFailed } from "../../lib/errors";
import type { BulkAction, BulkResult, ConversationDto } from "../../schemas/conversations";
import {
  addLabels,
  assignConversation,
  changeStatus,
  checkAssignee,
  checkClosing,
  removeLabels,
} from "./conversation-actions";

type Action = z.infer<typeof BulkAction>;
type Results = z.infer<typeof BulkResult>["results"];

/** Every listed conversation must be the workspace's: a missing one refuses the whole request. */
async function checkConversations(db: Db, workspaceId: string, ids: string[]) {
  const found = new Set(
    (
      await readInChunks(ids, (chunk) =>
        db
          .select({ id: conversations.id })
          .from(conversations)
          .where(inWorkspace(conversations, workspaceId, inArray(conversations.id, chunk))),
      )
    ).map((row) => row.id),
  );
  const missing = ids.flatMap((id, i) =>
    found.has(id) ? [] : [{ path: `conversation_ids.${i}`, message: "no such conversation" }],
  );
  if (missing.length) throw validationFailed(missing);
}

/** Everything the single routes would refuse is refused before the first change. */
async function checkAction(db: Db, principal: Principal, action: Action) {
  await checkConversations(db, principal.workspaceId, action.conversation_ids);
  if (action.action === "assign" && action.user_id)
    await checkAssignee(db, principal.workspaceId, action.user_id);
  if (action.action === "close") await checkClosing(db, principal.workspaceId, action);
}

/** One conversation through the same domain function its single route uses. */
function applyTo(
  db: Db,
  env: Env,
  principal: Principal,
  action: Action,
  id: string,
  now: number,
): Promise<ConversationDto> {
  switch (action.action) {
    case "assign":
      return assignConversation(db, env, principal, id, action.user_id);
    case "label":
      return addLabels(db, env, principal, id, action.labels);
    case "unlabel":
      return removeLabels(db, env, principal, id, action.labels);
    case "close":
      return changeStatus(
        db,
        env,
        principal,
        id,
        { status: "closed", snoozeUntil: null, reason: action.reason, note: action.note },
        now,
      );
  }
}

/**
 * Assigns, labels, unlabels or closes up to 100 conversations: the whole request is checked
 * first (nothing is changed when any part is refused), then each conversation is changed as
 * its own route would, with its own timeline event and webhook; the answer says how each went.
 */
export async function applyBulk(
  db: Db,
  env: Env,
  principal: Principal,
  input: Action,
  now: number,
): Promise<Results> {
  await checkAction(db, principal, input);
  const results: Results = [];
  for (const id of new Set(input.conversation_ids)) {
    try {
      const conversation = await applyTo(db, env, principal, input, id, now);
      results.push({ id, ok: true, conversation });
    } catch (error) {
      if (!(error instanceof Problem)) throw error;
      results.push({ id, ok: false, error: error.message });
    }
  }
  return results;
}
