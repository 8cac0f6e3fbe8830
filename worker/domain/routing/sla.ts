import { eq } from "drizzle-orm";
import { createDb } from "../../db/client";
import { conversations } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { SlaCheck } from "../messaging/contract";
import type { ConversationRef } from "../messaging/projection";

const row = (d1: D1Database, ref: ConversationRef) =>
  createDb(d1).query.conversations.findFirst({
    columns: {
      status: true,
      firstResponseAt: true,
      firstResponseDueAt: true,
      resolutionDueAt: true,
    },
    where: inWorkspace(conversations, ref.workspaceId, eq(conversations.id, ref.conversationId)),
  });

export const slaDueTimes = row;

/** The checks whose target was missed: no first agent reply yet, or still not closed. */
export async function slaBreaches(d1: D1Database, ref: ConversationRef, checks: SlaCheck[]) {
  const current = await row(d1, ref);
  if (!current) return [];
  return checks.filter((c) =>
    c.target === "first_response" ? current.firstResponseAt === null : current.status !== "closed",
  );
}
