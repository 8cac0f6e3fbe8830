/**
 * Elements whose text is never knowledge: the title (taken apart), code, styling, navigation,
 * embedded documents. Each always has an end tag (`head` may not, so its children are listed).
 */
const DROPPED = [
  "title",
  "script",
  "style",
  "noscript",
  "template",
  "nav",
  "svg",
  "iframe",
  "form",
];
const HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"];
/** Elements that end a paragraph (a blank line in the Markdown). */
const BLOCKS = [
  "p",
  "div",
  "section",
  "article",
  "main",
  "header",
  "footer",
  "aside",
  "blockquote",
  "pre",
  "table",
  "tr",
  "ul",
  "ol",
  "dl",
  "dt",
  "dd",
  "figure",
  "figcaption",
];

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
  ndash: "–",
  mdash: "—",
  hellip: "…",
  laquo: "«",
  raquo: "»",
  rsquo: "’",
  lsquo: "‘",
  rdquo: "”",
  ldquo: "“",
  copy: "©",
  reg: "®",
  euro: "€",
};

const codePoint = (n: number) =>
  Number.isInteger(n) && n > 0 && n <= 0x10ffff && !(n >= 0xd800 && n <= 0xdfff)
    ? String.fromCodePoint(n)
    : "";

/** Character references as HTMLRewriter leaves them in text (it does not decode them). */
export const decodeEntities = (text: string) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] !== "#") return NAMED_ENTITIES[ref.toLowerCase()] ?? whole;
    return codePoint(
      ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1)),
    );
  });

/** Markdown-like text: whitespace runs as one space within lines, at most one blank line between. */
function tidy(text: string) {
  return text
    .split("\n")
    .map((line) => line.replace(/[ \t\f\v\u00a0]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * A page's title and its text as Markdown: headings kept as `#` lines, paragraphs and list
 * items on lines of their own; the head, scripts, styles, navigation and forms left out.
 */
export async function htmlToMarkdown(html: string): Promise<{ title: string; text: string }> {
  const out: string[] = [];
  let title = "";
  let dropped = 0;
  let inHeading = 0;
  const emit = (text: string) => {
    if (dropped === 0) out.push(text);
  };
  // a heading's text stays on its `#` line, whatever blocks it holds
  const lineBreak = (text: string) => {
    if (inHeading === 0) emit(text);
  };
  const rewriter = new HTMLRewriter()
    .on(DROPPED.join(","), {
      element(element) {
        dropped++;
        element.onEndTag(() => {
          dropped--;
        });
      },
    })
    .on("title", {
      text(chunk) {
        title += chunk.text;
      },
    })
    .on(HEADINGS.join(","), {
      element(element) {
        emit(`\n\n${"#".repeat(Number(element.tagName.slice(1)))} `);
        inHeading++;
        element.onEndTag(() => {
          inHeading--;
          emit("\n\n");
        });
      },
    })
    .on(BLOCKS.join(","), {
      element(element) {
        lineBreak("\n\n");
        element.onEndTag(() => lineBreak("\n\n"));
      },
    })
    .on("li", {
      element() {
        lineBreak("\n- ");
      },
    })
    .on("br", {
      element() {
        lineBreak("\n");
      },
    })
    .onDocument({
      text(chunk) {
        emit(chunk.text.replace(/\s+/g, " "));
      },
    });
  await rewriter.transform(new Response(html)).arrayBuffer();
  // headings with no text say nothing
  const text = tidy(tidy(decodeEntities(out.join(""))).replace(/^#{1,6}$/gm, ""));
  return { title: tidy(decodeEntities(title)).replace(/\n/g, " "), text };
}
