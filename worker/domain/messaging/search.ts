import { toIso } from "../../schemas/common";

/** "#1042" or "1042": a conversation's number, as people say it. */
const CONVERSATION_NUMBER = /^#?(\d{1,9})$/;

/** The conversation a number names, as a hit ahead of the messages that mention it. */
async function numberHit(d1: D1Database, workspaceId: string, q: string) {
  const wanted = CONVERSATION_NUMBER.exec(q.trim())?.[1];
  if (wanted === undefined) return [];
  const row = await d1
    .prepare(
      "SELECT id, number, created_at FROM conversations WHERE workspace_id = ?1 AND number = ?2",
    )
    .bind(workspaceId, Number(wanted))
    .first<{ id: string; number: number; created_at: number }>();
  if (!row) return [];
  return [
    {
      conversation_id: row.id,
      message_id: null,
      seq: 0,
      snippet: `[#${row.number}]`,
      created_at: toIso(row.created_at),
    },
  ];
}

/** Full-text search over the workspace's messages, best matches first; a conversation's number first of all. */
export async function searchMessages(
  d1: D1Database,
  workspaceId: string,
  q: string,
  limit: number,
) {
  // Each word becomes a quoted prefix term, so user input cannot inject FTS syntax; control
  // characters go as well (a NUL ends the FTS query text early).
  const terms = q
    .split(/\s+/)
    .map((word) => word.replace(/["\p{Cc}]/gu, ""))
    .filter(Boolean)
    .map((word) => `"${word}"*`);
  if (terms.length === 0) return [];
  const byNumber = await numberHit(d1, workspaceId, q);
  const { results } = await d1
    .prepare(
      `SELECT m.id, m.conversation_id, m.seq, m.created_at,
              snippet(messages_fts, 0, '[', ']', '…', 12) AS snippet
         FROM messages_fts
         JOIN messages m ON m.rowid = messages_fts.rowid
        WHERE messages_fts MATCH ?1 AND m.workspace_id = ?2
        ORDER BY rank
        LIMIT ?3`,
    )
    .bind(terms.join(" "), workspaceId, limit)
    .all<{
      id: string;
      conversation_id: string;
      seq: number;
      created_at: number;
      snippet: string;
    }>();
  const mentions = results.map((r) => ({
    conversation_id: r.conversation_id,
    message_id: r.id,
    seq: r.seq,
    snippet: r.snippet,
    created_at: toIso(r.created_at),
  }));
  return [...byNumber, ...mentions];
}
