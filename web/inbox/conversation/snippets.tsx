import { useEffect, useState } from "preact/hooks";
import { request } from "../shared/api";

type Snippet = { id: string; shortcut: string; title: string; body: string };

/** While the reply starts with `/word`, offers matching snippets; picking one fills its variables. */
export function SnippetSuggestions({
  conversationId,
  text,
  onPick,
}: {
  conversationId: string;
  text: string;
  onPick: (filled: string) => void;
}) {
  const [matches, setMatches] = useState<Snippet[]>([]);
  const prefix = /^\/([a-z0-9_-]*)$/.exec(text)?.[1];

  useEffect(() => {
    if (prefix === undefined) return setMatches([]);
    const query = new URLSearchParams({ q: prefix });
    request<{ data: Snippet[] }>(`/api/v1/snippets?${query}`).then(
      ({ data }) => setMatches(data.slice(0, 8)),
      () => setMatches([]),
    );
  }, [prefix]);

  const pick = async (snippet: Snippet) => {
    const rendered = await request<{ text: string }>(
      `/api/v1/conversations/${conversationId}/render`,
      { method: "POST", json: { text: snippet.body } },
    );
    onPick(rendered.text);
  };

  if (prefix === undefined || matches.length === 0) return null;
  return (
    <ul class="snippets" aria-label="Snippets">
      {matches.map((s) => (
        <li key={s.id}>
          <button type="button" onClick={() => pick(s)}>
            <strong>/{s.shortcut}</strong> {s.title}
          </button>
        </li>
      ))}
    </ul>
  );
}
