import { useEffect, useState } from "preact/hooks";
import { rangeSummary } from "./ui";

/**
 * A list read page by page by cursor, from the first page again whenever `key` (the filters)
 * changes, and read again when `version` does; the cursors behind us make "previous" possible.
 */
export function useCursorPages<P extends { data: unknown[]; next_cursor?: string | null }>(
  read: (cursor: string | null) => Promise<P>,
  { key, pageSize, version = "" }: { key: string; pageSize: number; version?: string },
) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<P | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [reload, setReload] = useState(0);
  useEffect(() => setCursors([null]), [key]);
  const cursor = cursors.at(-1) ?? null;
  useEffect(() => {
    let live = true;
    read(cursor).then(
      (next) => {
        if (!live) return;
        setPage(next);
        setError(null);
      },
      (e) => {
        if (live) setError(e);
      },
    );
    return () => {
      live = false;
    };
  }, [key, cursor, version, reload]);
  const index = cursors.length - 1;
  const nextCursor = page?.next_cursor;
  const from = index * pageSize + 1;
  const shown = page?.data.length ?? 0;
  return {
    page,
    error,
    /** the props of the list's `Pagination`: which rows are shown, and the way to the others */
    pager: {
      summary: rangeSummary(shown ? from : 0, from + shown - 1),
      onNext: nextCursor ? () => setCursors((c) => [...c, nextCursor]) : undefined,
      onPrevious: index > 0 ? () => setCursors((c) => c.slice(0, -1)) : undefined,
    },
    refresh: () => setReload((n) => n + 1),
  };
}
