/**
 * An allow-list HTML sanitiser for email templates, built on workerd's streaming HTMLRewriter.
 * Elements outside the list are unwrapped (their text kept); elements whose content is raw text
 * or foreign markup (script, style, iframe, svg …) go with their content, since unwrapping them
 * would turn that text back into markup. Only the listed attributes stay, links only to
 * http(s), mailto and tel, images only from https; comments are dropped.
 */

const ALLOWED_ELEMENTS = new Set([
  "a",
  "abbr",
  "b",
  "blockquote",
  "br",
  "caption",
  "code",
  "col",
  "colgroup",
  "div",
  "em",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "hr",
  "i",
  "img",
  "li",
  "ol",
  "p",
  "pre",
  "s",
  "small",
  "span",
  "strong",
  "sub",
  "sup",
  "table",
  "tbody",
  "td",
  "tfoot",
  "th",
  "thead",
  "tr",
  "u",
  "ul",
]);

/** Removed with everything inside them. */
const DROPPED_ELEMENTS = new Set([
  "script",
  "style",
  "iframe",
  "frame",
  "frameset",
  "object",
  "embed",
  "applet",
  "noscript",
  "noembed",
  "noframes",
  "template",
  "textarea",
  "title",
  "xmp",
  "plaintext",
  "svg",
  "math",
  "select",
  "option",
  "head",
  "meta",
  "link",
  "base",
  "form",
  "input",
  "button",
]);

const COMMON_ATTRIBUTES = new Set(["title", "dir", "lang", "align"]);
const ELEMENT_ATTRIBUTES: Record<string, Set<string>> = {
  a: new Set(["href"]),
  img: new Set(["src", "alt", "width", "height"]),
  td: new Set(["colspan", "rowspan"]),
  th: new Set(["colspan", "rowspan"]),
  ol: new Set(["start"]),
};

const LINK_SCHEMES = new Set(["http:", "https:", "mailto:", "tel:"]);

/** Browsers ignore control characters and spaces inside a scheme (`java\tscript:`). */
function urlAllowed(value: string, schemes: Set<string>) {
  const compact = value.replace(/[\p{Cc}\s]/gu, "");
  let url: URL;
  try {
    url = new URL(compact);
  } catch {
    return false;
  }
  return schemes.has(url.protocol);
}

const HTTPS_ONLY = new Set(["https:"]);

function keepAttribute(tag: string, name: string, value: string) {
  if (!COMMON_ATTRIBUTES.has(name) && !ELEMENT_ATTRIBUTES[tag]?.has(name)) return false;
  if (name === "href") return urlAllowed(value, LINK_SCHEMES);
  if (name === "src") return urlAllowed(value, HTTPS_ONLY);
  return true;
}

function cleanElement(element: Element): void {
  const tag = element.tagName.toLowerCase();
  if (DROPPED_ELEMENTS.has(tag)) {
    element.remove();
    return;
  }
  if (!ALLOWED_ELEMENTS.has(tag)) {
    element.removeAndKeepContent();
    return;
  }
  for (const [name = "", value = ""] of [...element.attributes]) {
    if (!keepAttribute(tag, name.toLowerCase(), value)) element.removeAttribute(name);
  }
  if (tag === "a" && element.hasAttribute("href")) {
    element.setAttribute("rel", "noopener noreferrer");
  }
}

const dropComment = (comment: Comment): void => {
  comment.remove();
};

export async function sanitizeHtml(html: string): Promise<string> {
  const rewriter = new HTMLRewriter()
    .on("*", { element: cleanElement, comments: dropComment })
    .onDocument({ comments: dropComment });
  const cleaned = await rewriter.transform(new Response(html)).text();
  return cleaned.trim();
}
