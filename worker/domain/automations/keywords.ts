/** Lower-case words without accents: "¿Cuál es el PRECIO?" → ["cual", "es", "el", "precio"]. */
export function words(text: string): string[] {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

export type KeywordMatch = "word" | "exact" | "starts_with";

const startsAt = (haystack: string[], needle: string[], at: number) =>
  needle.every((word, i) => haystack[at + i] === word);

/**
 * Whether the message says one of the keywords, as whole words (a keyword of several words as
 * that run of words), ignoring case and accents: "precio" matches "¿Cuál es el PRECIO?" and
 * "Precio." but not "precios" or "aprecio".
 */
export function matchesKeyword(text: string, keywords: string[], match: KeywordMatch = "word") {
  const said = words(text);
  return keywords.some((keyword) => {
    const wanted = words(keyword);
    if (wanted.length === 0) return false;
    if (match === "exact") return wanted.length === said.length && startsAt(said, wanted, 0);
    if (match === "starts_with") return startsAt(said, wanted, 0);
    for (let at = 0; at + wanted.length <= said.length; at++)
      if (startsAt(said, wanted, at)) return true;
    return false;
  });
}
