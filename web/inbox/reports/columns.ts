import { type Column, formatNumber, t } from "../../shared/ui";
import { formatDuration, formatPercent } from "./format";

// a figure not there yet sorts after every real one
const orLast = (value: number | null) => value ?? Number.MAX_SAFE_INTEGER;

/** A sortable numeric column of a report table, its header from `reports.<table>.<key>`. */
function figure<R>(
  table: string,
  key: string,
  value: (row: R) => number | null,
  format: (value: number | null) => string,
): Column<R> {
  return {
    key,
    header: t(`reports.${table}.${key}`),
    render: (row) => format(value(row)),
    sortBy: (row) => orLast(value(row)),
    class: "numeric",
  };
}

export const countColumn = <R>(table: string, key: string, value: (row: R) => number) =>
  figure(table, key, value, (n) => formatNumber(n ?? 0));

export const durationColumn = <R>(table: string, key: string, value: (row: R) => number | null) =>
  figure(table, key, value, formatDuration);

export const percentColumn = <R>(table: string, key: string, value: (row: R) => number | null) =>
  figure(table, key, value, formatPercent);

/** The column naming a row (an agent, a team, a broadcast…), sorted by that name. */
export const nameColumn = <R>(
  table: string,
  key: string,
  value: (row: R) => string,
): Column<R> => ({
  key,
  header: t(`reports.${table}.${key}`),
  render: value,
  sortBy: value,
  class: "agent-name",
});
