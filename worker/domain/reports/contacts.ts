import { gte, lt, sql } from "drizzle-orm";
import { CONTACT_SOURCES, type ContactSource, contacts } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { HOUR_MS } from "./buckets";
import { localHours, periodOf, periodsOf, previousRange, type ReportRange } from "./read";
import { instantsOf } from "./span";

/** New contacts per UTC hour and source, read off the (workspace, created, source) index. */
function newContactsIn(db: Db, workspaceId: string, range: ReportRange) {
  const { start, end } = instantsOf(range);
  const hour = sql<number>`(${contacts.createdAt} / ${HOUR_MS}) * ${HOUR_MS}`;
  return db
    .select({ hour, source: contacts.source, n: sql<number>`count(*)` })
    .from(contacts)
    .where(
      inWorkspace(
        contacts,
        workspaceId,
        gte(contacts.createdAt, start),
        lt(contacts.createdAt, end),
      ),
    )
    .groupBy(hour, contacts.source);
}

type Counts = Map<ContactSource, number>;

const add = (counts: Counts, source: ContactSource, n: number) =>
  counts.set(source, (counts.get(source) ?? 0) + n);
const sum = (counts: Counts) => [...counts.values()].reduce((n, count) => n + count, 0);
/** Sources in their catalogue order, those with none left out. */
const bySource = (counts: Counts) =>
  Object.fromEntries(CONTACT_SOURCES.filter((s) => counts.has(s)).map((s) => [s, counts.get(s)]));

/** New contacts over the range, per day in the timezone and by where they came from. */
export async function contactsReport(db: Db, workspaceId: string, range: ReportRange) {
  const before = previousRange(range);
  const [rows, previousRows] = await Promise.all([
    newContactsIn(db, workspaceId, range),
    newContactsIn(db, workspaceId, before),
  ]);
  const local = localHours(range.timezone);
  const total: Counts = new Map();
  const days = new Map<string, Counts>();
  for (const row of rows) {
    add(total, row.source, row.n);
    const day = periodOf(row.hour, local, "day");
    const counts: Counts = days.get(day) ?? new Map();
    days.set(day, add(counts, row.source, row.n));
  }
  const previous: Counts = new Map();
  for (const row of previousRows) add(previous, row.source, row.n);
  return {
    from: range.from,
    to: range.to,
    timezone: range.timezone,
    totals: { new_contacts: sum(total), by_source: bySource(total) },
    previous: {
      from: before.from,
      to: before.to,
      totals: { new_contacts: sum(previous), by_source: bySource(previous) },
    },
    series: periodsOf(range, local, "day").map((period) => {
      const counts: Counts = days.get(period) ?? new Map();
      return { period, new_contacts: sum(counts), by_source: bySource(counts) };
    }),
  };
}
