import { eq } from "drizzle-orm";
import type { SlaCheck } from "../../durable-objects/conversation";
import { createDb } from "../db/client";
import { conversations } from "../db/schema";

const row = (d1: D1Database, conversationId: string) =>
  createDb(d1).query.conversations.findFirst({
    columns: {
      status: true,
      firstResponseAt: true,
      firstResponseDueAt: true,
      resolutionDueAt: true,
    },
    where: eq(conversations.id, conversationId),
  });

export const slaDueTimes = row;

/** The checks whose target was missed: no first agent reply yet, or still not closed. */
export async function slaBreaches(d1: D1Database, conversationId: string, checks: SlaCheck[]) {
  const current = await row(d1, conversationId);
  if (!current) return [];
  return checks.filter((c) =>
    c.target === "first_response" ? current.firstResponseAt === null : current.status !== "closed",
  );
}
