import { excerpt, fetchTarget, TargetRefused } from "../../lib/targets";
import { htmlToMarkdown } from "./html";

/** A page larger than this is refused rather than read in part. */
export const MAX_PAGE_BYTES = 2 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 15_000;
const HTML_TYPE = /^(text\/html|application\/xhtml\+xml)\b/i;
const TEXT_TYPE = /^(text\/plain|text\/markdown|text\/x-markdown)\b/i;

/** Why a page could not be read, in words for the source's error. */
export class CrawlFailed extends Error {}

/** The body as text, refused past `MAX_PAGE_BYTES` without reading the rest. */
async function readCapped(response: Response): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? 0);
  if (declared > MAX_PAGE_BYTES) {
    await response.body?.cancel();
    throw new CrawlFailed(`the page is larger than ${MAX_PAGE_BYTES / 1024 / 1024} MB`);
  }
  const reader = response.body?.getReader();
  if (!reader) return "";
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_PAGE_BYTES) {
      await reader.cancel().catch(() => {});
      throw new CrawlFailed(`the page is larger than ${MAX_PAGE_BYTES / 1024 / 1024} MB`);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

async function get(env: Env, url: string): Promise<Response> {
  try {
    return await fetchTarget(env, url, {
      headers: { accept: "text/html, text/plain;q=0.9, text/markdown;q=0.9" },
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch (error) {
    if (error instanceof TargetRefused) throw new CrawlFailed(`address refused: ${error.message}`);
    const timedOut = error instanceof Error && error.name === "TimeoutError";
    throw new CrawlFailed(
      timedOut
        ? `no answer within ${FETCH_TIMEOUT_MS / 1000} seconds`
        : "the site could not be reached",
    );
  }
}

/**
 * A web page's title and text (Markdown, headings kept), fetched through the outbound URL
 * guard; HTML and plain text only. Throws CrawlFailed saying why it could not be read.
 */
export async function crawlPage(env: Env, url: string): Promise<{ title: string; text: string }> {
  const response = await get(env, url);
  if (!response.ok) {
    await response.body?.cancel();
    throw new CrawlFailed(`the site answered HTTP ${response.status}`);
  }
  const type = response.headers.get("content-type") ?? "";
  const isHtml = HTML_TYPE.test(type);
  if (!isHtml && !TEXT_TYPE.test(type)) {
    await response.body?.cancel();
    throw new CrawlFailed(
      `the page is ${excerpt(type, 60) || "of no stated type"}, not HTML or text`,
    );
  }
  const body = await readCapped(response);
  const page = isHtml ? await htmlToMarkdown(body) : { title: "", text: body.trim() };
  if (!page.text) throw new CrawlFailed("the page has no text");
  return page;
}
