import {
  ArrowDown,
  ArrowUp,
  ArrowUpDown,
  ChevronLeft,
  ChevronRight,
  Pencil,
  Trash2,
} from "lucide-preact";
import type { ComponentChildren } from "preact";
import { useMemo, useState } from "preact/hooks";
import { IconButton } from "./button";
import { t } from "./i18n";

export type Column<T> = {
  key: string;
  header: ComponentChildren;
  render: (row: T) => ComponentChildren;
  /** makes the column sortable */
  sortBy?: (row: T) => string | number;
  class?: string;
};

type Sort = { key: string; direction: "asc" | "desc" };

/**
 * A table with sortable columns and pages, for lists held in memory (settings screens).
 * Lists paged by the server use `Pagination` directly.
 */
export function DataTable<T>({
  columns,
  rows,
  rowKey,
  label,
  pageSize = 25,
  initialSort,
  footer,
}: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  label: string;
  pageSize?: number;
  initialSort?: Sort;
  /** A row kept under the others whatever the sort: a total. */
  footer?: T;
}) {
  const [sort, setSort] = useState<Sort | undefined>(initialSort);
  const [page, setPage] = useState(0);
  const sorted = useMemo(() => {
    const column = columns.find((c) => c.key === sort?.key);
    if (!column?.sortBy || !sort) return rows;
    const value = column.sortBy;
    const sign = sort.direction === "asc" ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      return (
        sign *
        (typeof x === "number" && typeof y === "number"
          ? x - y
          : String(x).localeCompare(String(y)))
      );
    });
  }, [rows, sort, columns]);
  const pages = Math.max(1, Math.ceil(sorted.length / pageSize));
  const at = Math.min(page, pages - 1);
  const shown = sorted.slice(at * pageSize, (at + 1) * pageSize);

  const toggle = (key: string) =>
    setSort((s) =>
      s?.key === key
        ? { key, direction: s.direction === "asc" ? "desc" : "asc" }
        : { key, direction: "asc" },
    );

  return (
    <>
      {/* focusable so a keyboard can scroll a table wider than the screen */}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus */}
      <section class="table-wrap" tabIndex={0} aria-label={label}>
        <table class="table" aria-label={label}>
          <thead>
            <tr>
              {columns.map((c) => {
                const direction = sort?.key === c.key ? sort.direction : undefined;
                return (
                  <th
                    key={c.key}
                    scope="col"
                    class={c.class}
                    aria-sort={
                      direction ? (direction === "asc" ? "ascending" : "descending") : undefined
                    }
                  >
                    {c.sortBy ? (
                      <button type="button" onClick={() => toggle(c.key)}>
                        {c.header}
                        {direction === "asc" ? (
                          <ArrowUp size={12} />
                        ) : direction === "desc" ? (
                          <ArrowDown size={12} />
                        ) : (
                          <ArrowUpDown size={12} />
                        )}
                      </button>
                    ) : (
                      c.header
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {shown.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((c) => (
                  <td key={c.key} class={c.class}>
                    {c.render(row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          {footer && (
            <tfoot>
              <tr>
                {columns.map((c) => (
                  <td key={c.key} class={c.class}>
                    {c.render(footer)}
                  </td>
                ))}
              </tr>
            </tfoot>
          )}
        </table>
      </section>
      {pages > 1 && (
        <Pagination
          summary={t("common.pageOf", { page: at + 1, pages })}
          onPrevious={at > 0 ? () => setPage(at - 1) : undefined}
          onNext={at < pages - 1 ? () => setPage(at + 1) : undefined}
        />
      )}
    </>
  );
}

/** Previous / next page controls with a summary ("1–25 of 1,204"). */
export function Pagination({
  summary,
  onPrevious,
  onNext,
}: {
  summary: ComponentChildren;
  onPrevious?: () => void;
  onNext?: () => void;
}) {
  return (
    <nav class="pagination" aria-label={t("common.pagination")}>
      <span>{summary}</span>
      <span class="pages">
        <IconButton
          label={t("common.previousPage")}
          icon={<ChevronLeft size={16} class="icon flip-rtl" />}
          disabled={!onPrevious}
          onClick={onPrevious}
        />
        <IconButton
          label={t("common.nextPage")}
          icon={<ChevronRight size={16} class="icon flip-rtl" />}
          disabled={!onNext}
          onClick={onNext}
        />
      </span>
    </nav>
  );
}

export const rangeSummary = (from: number, to: number, total?: number) =>
  total === undefined ? t("common.range", { from, to }) : t("common.rangeOf", { from, to, total });

/** The last column of a list in settings: edit and delete buttons named after their row. */
export function editDeleteColumn<T>({
  editLabel,
  deleteLabel,
  onEdit,
  onDelete,
  class: className,
}: {
  editLabel: (row: T) => string;
  deleteLabel: (row: T) => string;
  onEdit: (row: T) => void;
  onDelete: (row: T) => void;
  class: string;
}): Column<T> {
  return {
    key: "actions",
    header: <span class="sr-only">{t("common.actions")}</span>,
    class: className,
    render: (row) => (
      <>
        <IconButton
          label={editLabel(row)}
          icon={<Pencil size={16} />}
          onClick={() => onEdit(row)}
        />
        <IconButton
          label={deleteLabel(row)}
          icon={<Trash2 size={16} />}
          onClick={() => onDelete(row)}
        />
      </>
    ),
  };
}
