import { and, desc, eq, exists, isNotNull, lt, sql } from "drizzle-orm";
import { automationAnswers, automationRuns } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import { valuesAsSelect } from "../../db/values-as-select";
import type { Db } from "../../lib/context";
import { advance } from "./runner";

/** A customer's message in a conversation, offered as an answer. */
export type IncomingAnswer = {
  workspaceId: string;
  conversationId: string;
  messageId: string;
  seq: number;
  text: string;
};

type RunRow = typeof automationRuns.$inferSelect;

/**
 * Takes the message as the run's answer if the run still waits for one in that conversation
 * since before the message: the answer row and the run's claim are written together, so a
 * message answers one question once, whoever delivers it and however often.
 */
async function claimAnswer(db: Db, run: RunRow, answer: IncomingAnswer, now: number) {
  const stillAsking = inWorkspace(
    automationRuns,
    run.workspaceId,
    eq(automationRuns.id, run.id),
    eq(automationRuns.status, "waiting"),
    eq(automationRuns.askingIn, answer.conversationId),
    lt(automationRuns.askedSeq, answer.seq),
  );
  const row = {
    messageId: answer.messageId,
    workspaceId: run.workspaceId,
    runId: run.id,
    stepId: run.cursor ?? "",
    seq: answer.seq,
    text: answer.text,
    receivedAt: now,
  };
  const asking = db.select({ id: automationRuns.id }).from(automationRuns).where(stillAsking);
  const ours = db
    .select({ id: automationAnswers.messageId })
    .from(automationAnswers)
    .where(
      inWorkspace(
        automationAnswers,
        run.workspaceId,
        eq(automationAnswers.messageId, answer.messageId),
        eq(automationAnswers.runId, run.id),
      ),
    );
  const [, claimed] = await db.batch([
    db
      .insert(automationAnswers)
      .select(sql`select ${valuesAsSelect(automationAnswers, row)} where exists ${asking}`)
      .onConflictDoNothing(),
    db
      .update(automationRuns)
      .set({ status: "running", askingIn: null, resumeAt: null, updatedAt: now })
      .where(and(stillAsking, exists(ours)))
      .returning(),
  ]);
  return claimed[0];
}

/**
 * Offers a customer's message to the runs waiting for an answer in its conversation (the
 * latest question first). True when it was taken as an answer, now or on an earlier delivery:
 * such a message starts no automation of its own.
 */
export async function takeAnswer(db: Db, env: Env, answer: IncomingAnswer, now: number) {
  const known = await db.query.automationAnswers.findFirst({
    columns: { runId: true },
    where: inWorkspace(
      automationAnswers,
      answer.workspaceId,
      eq(automationAnswers.messageId, answer.messageId),
    ),
  });
  if (known) return true;
  const asking = await db
    .select()
    .from(automationRuns)
    .where(
      inWorkspace(
        automationRuns,
        answer.workspaceId,
        eq(automationRuns.askingIn, answer.conversationId),
        eq(automationRuns.status, "waiting"),
        lt(automationRuns.askedSeq, answer.seq),
      ),
    )
    .orderBy(desc(automationRuns.askedSeq));
  for (const run of asking) {
    const claimed = await claimAnswer(db, run, answer, now);
    if (claimed) {
      await advance(db, env, claimed, now);
      return true;
    }
  }
  return false;
}

/** Does any run of the workspace wait for an answer (its messages must reach the engine)? */
export async function awaitsAnswers(db: Db, workspaceId: string) {
  const row = await db.query.automationRuns.findFirst({
    columns: { id: true },
    where: inWorkspace(
      automationRuns,
      workspaceId,
      isNotNull(automationRuns.askingIn),
      eq(automationRuns.status, "waiting"),
    ),
  });
  return row !== undefined;
}
