import { useEffect, useState } from "preact/hooks";
import { request } from "../../shared/api";

export type Snippet = { id: string; shortcut: string; title: string; body: string };

/** The workspace's snippets whose shortcut starts with `prefix` (none while it is null). */
export function useSnippets(prefix: string | null) {
  const [matches, setMatches] = useState<Snippet[]>([]);
  useEffect(() => {
    if (prefix === null) return setMatches([]);
    let current = true;
    const query = new URLSearchParams({ q: prefix });
    request<{ data: Snippet[] }>(`/api/v1/snippets?${query}`).then(
      ({ data }) => current && setMatches(data.slice(0, 8)),
      () => current && setMatches([]),
    );
    return () => {
      current = false;
    };
  }, [prefix]);
  return matches;
}

/** A snippet's body with its variables filled for this conversation's contact and agent. */
export async function renderSnippet(conversationId: string, snippet: Snippet) {
  const rendered = await request<{ text: string }>(
    `/api/v1/conversations/${conversationId}/render`,
    { method: "POST", json: { text: snippet.body } },
  );
  return rendered.text;
}
