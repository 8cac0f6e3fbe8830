import { toIso } from "../../schemas/common";

/** Full-text search over the workspace's messages, best matches first. */
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
  return results.map((r) => ({
    conversation_id: r.conversation_id,
    message_id: r.id,
    seq: r.seq,
    snippet: r.snippet,
    created_at: toIso(r.created_at),
  }));
}
