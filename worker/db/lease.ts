import { and, eq, lt, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";

/** A row worked under a lease: `sending` while held, until `lease_until`, counting attempts. */
type Leased = { status: SQLiteColumn; leaseUntil: SQLiteColumn; attempts: SQLiteColumn };

/** A row whose holder died: still `sending`, its lease run out, so another may take it. */
export const leaseLapsed = (t: Pick<Leased, "status" | "leaseUntil">, now: number) =>
  and(eq(t.status, "sending"), lt(t.leaseUntil, now));

/** What taking a row sets: `sending`, held for `leaseMs`, one attempt more. */
export const takeLease = (t: Pick<Leased, "attempts">, now: number, leaseMs: number) => ({
  status: "sending" as const,
  leaseUntil: now + leaseMs,
  attempts: sql<number>`${t.attempts} + 1`,
  updatedAt: now,
});
