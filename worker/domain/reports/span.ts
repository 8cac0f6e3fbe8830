import { instantOf } from "../routing/hours";
import { HOUR_MS } from "./buckets";
import type { ReportRange } from "./read";

const DAY_MS = 24 * HOUR_MS;
const nextDay = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);

/** The instants a range spans: from its first local midnight to the one after its last day. */
export const instantsOf = (range: ReportRange) => ({
  start: instantOf(range.from, 0, range.timezone),
  end: instantOf(nextDay(range.to), 0, range.timezone),
});
