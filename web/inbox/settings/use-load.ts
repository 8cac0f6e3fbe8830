import { useEffect, useState } from "preact/hooks";
import { request } from "../../shared/api";
import { problemMessage, toast } from "../../shared/ui";

/** GETs `url` once on mount; `reload` asks again. A failure is a toast, `data` stays undefined. */
export function useLoad<T>(url: string) {
  const [data, setData] = useState<T | undefined>(undefined);
  const reload = () =>
    request<T>(url)
      .then(setData)
      .catch((error) => toast.error(problemMessage(error)));
  useEffect(() => {
    reload();
  }, [url]);
  return { data, reload };
}

/** The `data` list of a `{ data: [...] }` answer. */
export const listOf = <T>(answer: { data: T[] } | undefined) => answer?.data;
