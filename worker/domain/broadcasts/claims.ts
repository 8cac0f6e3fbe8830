import { and, eq, exists, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import { leaseLapsed, takeLease } from "../../db/lease";
import { broadcastRecipients, broadcasts } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { ledgerOfRun, type RunRef } from "./runs";

// A send's hold on its recipients' ledger rows: taken together in one statement, so of two
// deliveries of the same batch only one sends to each recipient, and settled as each send ends.

/** How long a send holds its ledger row before it is taken for dead and may be taken again. */
export const SEND_LEASE_MS = 60_000;

const recipientKey = (ref: RunRef, contactId: string) =>
  and(ledgerOfRun(ref), eq(broadcastRecipients.contactId, contactId));

/** A ledger row this send took: its retry round, A/B variant and tries so far. */
export type Claimed = {
  contactId: string;
  round: number;
  variant: string | null;
  attempts: number;
};

type Claim =
  | ({ kind: "claimed" } & Omit<Claimed, "contactId">)
  | { kind: "held"; until: number }
  | { kind: "gone" };

/**
 * Takes the recipients' ledger rows for this send (`queued` and due, or `sending` whose holder's
 * lease ran out) while the broadcast runs, as one statement: of two deliveries of the same batch
 * only one gets each row. Rows another send still holds are `held` until their lease ends; those
 * already done, or all of them once the broadcast no longer runs, are neither.
 */
export async function claimRecipients(
  db: Db,
  job: RunRef,
  contactIds: string[],
  now: number,
): Promise<{ claimed: Claimed[]; held: { contactId: string; until: number }[] }> {
  const running = db
    .select({ one: sql`1` })
    .from(broadcasts)
    .where(
      inWorkspace(
        broadcasts,
        job.workspaceId,
        eq(broadcasts.id, job.broadcastId),
        eq(broadcasts.status, "running"),
      ),
    );
  const taken = await db
    .update(broadcastRecipients)
    .set(takeLease(broadcastRecipients, now, SEND_LEASE_MS))
    .where(
      and(
        ledgerOfRun(job),
        inArray(broadcastRecipients.contactId, contactIds),
        isNull(broadcastRecipients.dueAt),
        or(eq(broadcastRecipients.status, "queued"), leaseLapsed(broadcastRecipients, now)),
        exists(running),
      ),
    )
    .returning({
      contactId: broadcastRecipients.contactId,
      round: broadcastRecipients.round,
      variant: broadcastRecipients.variant,
      attempts: broadcastRecipients.attempts,
    });
  const byId = new Map(taken.map((row) => [row.contactId, row]));
  const claimed = contactIds.flatMap((id) => byId.get(id) ?? []);
  const others = contactIds.filter((id) => !byId.has(id));
  return { claimed, held: others.length ? await heldRows(db, job, others) : [] };
}

/** Which of these rows another send holds, and until when. */
async function heldRows(db: Db, job: RunRef, contactIds: string[]) {
  const rows = await db
    .select({ contactId: broadcastRecipients.contactId, until: broadcastRecipients.leaseUntil })
    .from(broadcastRecipients)
    .where(
      and(
        ledgerOfRun(job),
        inArray(broadcastRecipients.contactId, contactIds),
        eq(broadcastRecipients.status, "sending"),
        isNotNull(broadcastRecipients.leaseUntil),
      ),
    );
  return rows.flatMap(({ contactId, until }) => (until === null ? [] : [{ contactId, until }]));
}

/** One recipient's claim (see `claimRecipients`). */
export async function claimRecipient(
  db: Db,
  job: RunRef,
  contactId: string,
  now: number,
): Promise<Claim> {
  const { claimed, held } = await claimRecipients(db, job, [contactId], now);
  const [mine] = claimed;
  if (mine)
    return { kind: "claimed", round: mine.round, variant: mine.variant, attempts: mine.attempts };
  const [other] = held;
  return other ? { kind: "held", until: other.until } : { kind: "gone" };
}

export type RecipientChange = Partial<typeof broadcastRecipients.$inferInsert>;

/** Records what became of a claimed row; only the holder's `sending` row changes. */
export const settle = (
  db: Db,
  job: RunRef,
  contactId: string,
  change: RecipientChange,
  now: number,
) =>
  db
    .update(broadcastRecipients)
    .set({ leaseUntil: null, updatedAt: now, ...change })
    .where(and(recipientKey(job, contactId), eq(broadcastRecipients.status, "sending")));

/** Claimed rows whose send was never tried go back to the queue, their claim not counted as a try. */
export const release = (db: Db, job: RunRef, contactIds: string[], now: number) =>
  db
    .update(broadcastRecipients)
    .set({
      status: "queued",
      leaseUntil: null,
      updatedAt: now,
      attempts: sql`max(${broadcastRecipients.attempts} - 1, 0)`,
    })
    .where(
      and(
        ledgerOfRun(job),
        inArray(broadcastRecipients.contactId, contactIds),
        eq(broadcastRecipients.status, "sending"),
      ),
    );
