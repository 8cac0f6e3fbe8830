import type { QaPair } from "../../db/schema";

export type Chunk = { heading: string | null; text: string };

/** About how long a chunk is; a paragraph longer than this is cut at sentence or word ends. */
export const CHUNK_CHARS = 800;
/** How much of a chunk's end the next one in the same section starts with. */
const OVERLAP_CHARS = 120;
const ATX_HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;

type Section = { heading: string | null; paragraphs: string[] };

/** The text cut at its headings; each section named by its heading path ("Billing › Refunds"). */
function sections(markdown: string): Section[] {
  const found: Section[] = [{ heading: null, paragraphs: [] }];
  const path: string[] = [];
  let paragraph: string[] = [];
  const endParagraph = () => {
    const text = paragraph.join("\n").trim();
    if (text) found.at(-1)?.paragraphs.push(text);
    paragraph = [];
  };
  for (const line of markdown.replace(/\r\n?/g, "\n").split("\n")) {
    const heading = ATX_HEADING.exec(line);
    if (heading?.[1] && heading[2]) {
      endParagraph();
      path.length = Math.min(path.length, heading[1].length - 1);
      path[heading[1].length - 1] = heading[2];
      found.push({ heading: path.filter(Boolean).join(" › "), paragraphs: [] });
    } else if (line.trim() === "") endParagraph();
    else paragraph.push(line);
  }
  endParagraph();
  return found.filter((s) => s.paragraphs.length > 0);
}

/** A paragraph cut into pieces of at most `CHUNK_CHARS`, at sentence ends, else at spaces. */
function pieces(paragraph: string): string[] {
  if (paragraph.length <= CHUNK_CHARS) return [paragraph];
  const words = paragraph.match(/[^.!?…。]+[.!?…。]*\s*/gu) ?? [paragraph];
  const out: string[] = [];
  let current = "";
  for (const sentence of words.flatMap((s) =>
    s.length > CHUNK_CHARS
      ? (s.match(new RegExp(`.{1,${CHUNK_CHARS}}(\\s|$)`, "gsu")) ?? [s])
      : [s],
  )) {
    if (current && current.length + sentence.length > CHUNK_CHARS) {
      out.push(current.trim());
      current = "";
    }
    current += sentence;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** The end of a chunk that the next one repeats, starting at a word. */
function overlapOf(text: string): string {
  if (text.length <= OVERLAP_CHARS) return text;
  const tail = text.slice(-OVERLAP_CHARS);
  const space = tail.search(/\s/);
  return space < 0 ? tail : tail.slice(space + 1);
}

/**
 * Markdown (or plain text) cut into chunks of about `CHUNK_CHARS`: by headings first, then by
 * paragraphs, consecutive chunks of a section sharing a little overlap.
 */
export function chunkMarkdown(markdown: string): Chunk[] {
  const chunks: Chunk[] = [];
  for (const { heading, paragraphs } of sections(markdown)) {
    let current = "";
    let fresh = false;
    const flush = () => {
      if (fresh) chunks.push({ heading, text: current.trim() });
      current = fresh ? overlapOf(current.trim()) : current;
      fresh = false;
    };
    for (const piece of paragraphs.flatMap(pieces)) {
      if (fresh && current.length + piece.length + 2 > CHUNK_CHARS) flush();
      current = current ? `${current}\n\n${piece}` : piece;
      fresh = true;
    }
    flush();
  }
  return chunks;
}

/** A question and its answer: one chunk. */
export const qaChunk = ({ question, answer }: QaPair): Chunk => ({
  heading: null,
  text: `Q: ${question}\nA: ${answer}`,
});
