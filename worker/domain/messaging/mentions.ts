import { and, desc, eq, inArray, isNull, lt, max, or, type SQL } from "drizzle-orm";
import { conversations, memberships, mentions } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { validationFailed } from "../../lib/errors";

const MAX_PREVIEW = 140;

/**
 * The people a note mentions, each an active member of the workspace; refused (before anything
 * is stored) with the path of every id that is not.
 */
export async function checkMentions(db: Db, workspaceId: string, ids: string[]) {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return [];
  const members = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(
      inWorkspace(
        memberships,
        workspaceId,
        inArray(memberships.userId, wanted),
        eq(memberships.active, true),
      ),
    );
  const active = new Set(members.map((m) => m.userId));
  const errors = ids.flatMap((id, i) =>
    active.has(id)
      ? []
      : [{ path: `mention_ids.${i}`, message: "not an active member of this workspace" }],
  );
  if (errors.length) throw validationFailed(errors);
  return wanted;
}

type MentionNote = {
  workspaceId: string;
  conversationId: string;
  seq: number;
  text: string | null;
  by: { id: string | null; name: string | null };
};

/** Stores who a note mentions and tells each of them on their inbox socket. */
export async function recordMentions(
  db: Db,
  env: Env,
  note: MentionNote,
  mentioned: string[],
  now: number,
) {
  if (mentioned.length === 0) return;
  await db
    .insert(mentions)
    .values(
      mentioned.map((userId) => ({
        workspaceId: note.workspaceId,
        conversationId: note.conversationId,
        seq: note.seq,
        mentionedUserId: userId,
        byUserId: note.by.id,
        createdAt: now,
      })),
    )
    .onConflictDoNothing();
  const frame = {
    type: "mention",
    conversation_id: note.conversationId,
    seq: note.seq,
    by: note.by,
    preview: (note.text ?? "").slice(0, MAX_PREVIEW),
  };
  await env.WORKSPACE_HUB.get(env.WORKSPACE_HUB.idFromName(note.workspaceId)).publishTo(
    mentioned,
    frame,
  );
}

/** The agent has read the conversation: its mentions of them are read too. */
export async function markMentionsRead(
  db: Db,
  principal: Principal,
  conversationId: string,
  now: number,
) {
  if (!principal.userId) return;
  await db
    .update(mentions)
    .set({ readAt: now })
    .where(
      inWorkspace(
        mentions,
        principal.workspaceId,
        eq(mentions.conversationId, conversationId),
        eq(mentions.mentionedUserId, principal.userId),
        isNull(mentions.readAt),
      ),
    );
}

/**
 * The caller's mentions, one row per conversation with its latest mention, as a table to join
 * the inbox query to: the "Mentions" view lists the most recently mentioned first.
 */
export function latestMentions(db: Db, principal: Principal) {
  return db
    .select({
      conversationId: mentions.conversationId,
      mentionedAt: max(mentions.createdAt).as("mentioned_at"),
    })
    .from(mentions)
    .where(
      inWorkspace(
        mentions,
        principal.workspaceId,
        eq(mentions.mentionedUserId, principal.userId ?? ""),
      ),
    )
    .groupBy(mentions.conversationId)
    .as("latest_mentions");
}

export type LatestMentions = ReturnType<typeof latestMentions>;

/** Rows after a "Mentions" cursor (`<mentioned at>.<conversation id>`). */
export function afterMentionCursor(
  latest: LatestMentions,
  cursor: string | undefined,
): SQL | undefined {
  if (!cursor) return undefined;
  const [at, id] = cursor.split(".") as [string, string];
  return or(
    lt(latest.mentionedAt, Number(at)),
    and(eq(latest.mentionedAt, Number(at)), lt(conversations.id, id)),
  );
}

export const byLatestMention = (latest: LatestMentions) => [
  desc(latest.mentionedAt),
  desc(conversations.id),
];
