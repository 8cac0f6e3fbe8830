import { CircleAlert, RotateCw } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { request } from "../api";
import { Button } from "./button";
import { confirmAction } from "./dialog";
import { EmptyState, SkeletonRows } from "./display";
import { problemMessage } from "./forms";
import { t } from "./i18n";
import { toast } from "./toast";

/** GETs `url` on mount (and when it changes); `reload` asks again. No url, no request. */
export function useResource<T>(url: string | null) {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const reload = () => {
    if (!url) return Promise.resolve();
    return request<T>(url).then(
      (answer) => {
        setData(answer);
        setError(null);
      },
      (failure) => setError(failure),
    );
  };
  useEffect(() => {
    reload();
  }, [url]);
  return { data, error, reload, setData };
}

/**
 * The `data` array of a `{ data: [...] }` answer, changed in place after a save (`put`: replaces
 * the item with its id, or appends it) or a delete (`drop`).
 */
export function useList<T extends { id: string }>(url: string | null) {
  const { data, error, reload, setData } = useResource<{ data: T[] }>(url);
  const setItems = (change: (items: T[]) => T[]) =>
    setData((answer) => ({ ...answer, data: change(answer?.data ?? []) }));
  const put = (item: T) =>
    setItems((items) =>
      items.some((i) => i.id === item.id)
        ? items.map((i) => (i.id === item.id ? item : i))
        : [...items, item],
    );
  const drop = (id: string) => setItems((items) => items.filter((i) => i.id !== id));
  return { items: data?.data, error, reload, setItems, put, drop };
}

/**
 * What a screen shows while its data loads, when loading failed (with a retry), when the list
 * is empty (`empty`), and otherwise `children(data)`.
 */
export function ListState<T>({
  data,
  error,
  onRetry,
  rows = 5,
  empty,
  children,
}: {
  data: T | undefined;
  error?: unknown;
  onRetry?: () => void;
  /** how many skeleton rows stand in while loading */
  rows?: number;
  empty?: ComponentChildren;
  children: (data: T) => ComponentChildren;
}) {
  if (data === undefined && error)
    return (
      <div role="alert" class="list-error">
        <EmptyState
          icon={<CircleAlert size={22} />}
          title={t("common.loadFailed")}
          action={
            onRetry && (
              <Button icon={<RotateCw size={16} />} onClick={onRetry}>
                {t("common.retry")}
              </Button>
            )
          }
        >
          {problemMessage(error)}
        </EmptyState>
      </div>
    );
  if (data === undefined) return <SkeletonRows rows={rows} />;
  if (empty && Array.isArray(data) && data.length === 0) return <>{empty}</>;
  return <>{children(data)}</>;
}

/**
 * Asks first (`title`, `body`, the `confirm` button), then DELETEs `url` and toasts `done`;
 * a refusal is a toast. Resolves true when the thing is gone.
 */
export async function deleteAfterConfirm({
  url,
  title,
  body,
  confirm = t("common.delete"),
  done,
}: {
  url: string;
  title: string;
  body: ComponentChildren;
  confirm?: string;
  done: string;
}) {
  if (!(await confirmAction({ title, body, confirm, danger: true }))) return false;
  try {
    await request(url, { method: "DELETE" });
    toast.success(done);
    return true;
  } catch (error) {
    toast.error(problemMessage(error));
    return false;
  }
}
