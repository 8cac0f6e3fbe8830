import { eq, max } from "drizzle-orm";
import { rowChunks } from "../worker/db/chunks";
import {
  contacts,
  contactTags,
  conversationLabels,
  conversations,
  memberships,
  teamMembers,
  teams,
  users,
} from "../worker/db/schema";
import { newId } from "../worker/lib/ids";
import { db } from "./helpers";

/**
 * Many rows at once for tests about volume, written straight through drizzle in statements
 * D1 accepts (far quicker than one API call each).
 */
async function insertAll<T extends Parameters<typeof rowChunks>[0]>(
  table: T,
  rows: T["$inferInsert"][],
) {
  for (const chunk of rowChunks(table, rows)) await db().insert(table).values(chunk);
}

/** `n` active agents of the workspace (no password: they never sign in). */
export async function insertMembers(
  workspaceId: string,
  n: number,
  presence: "online" | "offline" = "offline",
) {
  const ids = Array.from({ length: n }, () => newId("usr"));
  await insertAll(
    users,
    ids.map((id) => ({ id, email: `${id.toLowerCase()}@bulk.example.com`, name: `Agent ${id}` })),
  );
  await insertAll(
    memberships,
    ids.map((userId) => ({ workspaceId, userId, role: "agent" as const, presence })),
  );
  return ids;
}

/** `n` contacts, each tagged `bulk` and `n<i>`, created one millisecond apart. */
export async function insertContacts(workspaceId: string, n: number, from = Date.now()) {
  const rows = Array.from({ length: n }, (_, i) => ({
    id: newId("ct", from + i),
    workspaceId,
    name: `Contact ${i}`,
    createdAt: from + i,
    updatedAt: from + i,
  }));
  await insertAll(contacts, rows);
  await insertAll(
    contactTags,
    rows.flatMap((r, i) => [
      { workspaceId, contactId: r.id, tag: "bulk" },
      { workspaceId, contactId: r.id, tag: `n${i}` },
    ]),
  );
  return rows.map((r) => r.id);
}

/** A conversation per contact on the channel, each labelled `bulk`, one millisecond apart. */
export async function insertConversations(
  workspaceId: string,
  channelId: string,
  contactIds: string[],
  from = Date.now(),
) {
  const [last] = await db()
    .select({ number: max(conversations.number) })
    .from(conversations)
    .where(eq(conversations.workspaceId, workspaceId));
  const rows = contactIds.map((contactId, i) => ({
    id: newId("cv", from + i),
    workspaceId,
    channelId,
    contactId,
    number: (last?.number ?? 0) + i + 1,
    lastActivityAt: from + i,
    createdAt: from + i,
  }));
  await insertAll(conversations, rows);
  await insertAll(
    conversationLabels,
    rows.map((r) => ({ workspaceId, conversationId: r.id, label: "bulk" })),
  );
  return rows.map((r) => r.id);
}

/** `n` teams named `Team <i>`, each with the given members. */
export async function insertTeams(workspaceId: string, n: number, memberIds: string[]) {
  const ids = Array.from({ length: n }, () => newId("team"));
  await insertAll(
    teams,
    ids.map((id, i) => ({ id, workspaceId, name: `Team ${i}` })),
  );
  await insertAll(
    teamMembers,
    ids.flatMap((teamId) => memberIds.map((userId) => ({ workspaceId, teamId, userId }))),
  );
  return ids;
}
