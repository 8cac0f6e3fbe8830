import PostalMime, { type Address, type Attachment } from "postal-mime";
import { bytesToHex } from "../lib/crypto";
import type { InboundMessage } from "./types";

export type ParsedEmail = {
  message: InboundMessage;
  /** The attachments' bytes, in the order of `message.media` (`inline:<index>`). */
  files: { body: ArrayBuffer; name: string; contentType: string }[];
  /** To, Cc and Delivered-To addresses as written, to find the inbox and a `+cv_…` reply address. */
  recipients: string[];
};

const bare = (id: string) => id.trim().replace(/^<|>$/g, "");
const idsIn = (header: string | undefined) => (header?.match(/<[^>]+>/g) ?? []).map(bare);

const ATTRIBUTION = /^On\s.+\swrote:\s*$/;
const FORWARD_MARK = /^-{2,}\s*Original Message\s*-{2,}/i;

/** The attribution line over quoted history: `On <date>, <who> wrote:`, also when wrapped once. */
const isAttribution = (lines: string[], i: number) =>
  ATTRIBUTION.test(lines[i] ?? "") ||
  (/^On\s/.test(lines[i] ?? "") && ATTRIBUTION.test(`${lines[i]} ${lines[i + 1] ?? ""}`));

/** Where the run of `>` lines (blank lines allowed) that ends the text starts; `lines.length` when none. */
function trailingQuoteStart(lines: string[]) {
  const quotedOrBlank = (line: string) => line.startsWith(">") || line.trim() === "";
  let start = lines.length;
  while (start > 0 && quotedOrBlank(lines[start - 1] ?? "")) start--;
  while (start < lines.length && !lines[start]?.startsWith(">")) start++;
  return start;
}

/**
 * Drops the quoted history a mail client appends under a reply: from the attribution line, an
 * "Original Message" marker, or a trailing run of `>` lines. A message that is all quote stays whole.
 */
export function stripQuotedReply(text: string) {
  const lines = text.split(/\r?\n/);
  const marker = lines.findIndex((line, i) => isAttribution(lines, i) || FORWARD_MARK.test(line));
  const cut = Math.min(marker === -1 ? lines.length : marker, trailingQuoteStart(lines));
  const kept = lines.slice(0, cut).join("\n").trim();
  return kept || text.trim();
}

/** `support+cv_01…@acme.test` → `cv_01…`: replies addressed to a conversation go to it. */
export function conversationIdFromAddress(address: string): string | null {
  return /\+(cv_[0-9A-Za-z]+)@/.exec(address)?.[1] ?? null;
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

/** An HTML-only email's readable text (postal-mime renders text only when a plain part exists). */
export function htmlToText(html: string) {
  return html
    .replace(/\r\n?/g, "\n")
    .replace(/<(style|script|head)\b[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>|<\/(p|div|li|tr|h\d)>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&(#x?[0-9a-f]+|\w+);/gi, (entity, name: string) => {
      if (name[0] !== "#") return ENTITIES[name.toLowerCase()] ?? entity;
      const code =
        name[1]?.toLowerCase() === "x" ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1));
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
    })
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const mailboxes = (addresses: Address[] | undefined) =>
  (addresses ?? []).flatMap((a) => (a.group ? a.group.map((m) => m.address) : [a.address]));

const bytesOf = (content: Attachment["content"]): ArrayBuffer =>
  (typeof content === "string"
    ? new TextEncoder().encode(content)
    : new Uint8Array(content)
  ).slice().buffer;

async function rawBytes(raw: ReadableStream | ArrayBuffer | string) {
  if (typeof raw === "string") return new TextEncoder().encode(raw);
  return new Uint8Array(raw instanceof ArrayBuffer ? raw : await new Response(raw).arrayBuffer());
}

/** An inbound email (as Cloudflare Email Routing hands it over) as a message plus its files. */
export async function parseInboundEmail(
  raw: ReadableStream | ArrayBuffer | string,
): Promise<ParsedEmail> {
  // Read once: the bytes are parsed and, without a Message-ID, hashed into the id.
  const bytes = await rawBytes(raw);
  const parsed = await PostalMime.parse(bytes);
  const address = parsed.from?.address?.toLowerCase() ?? "";
  const externalId = parsed.messageId
    ? bare(parsed.messageId)
    : bytesToHex(await crypto.subtle.digest("SHA-256", bytes));
  const replyTo = [...idsIn(parsed.inReplyTo), ...idsIn(parsed.references).reverse()];
  const text = stripQuotedReply(parsed.text ?? htmlToText(parsed.html ?? ""));
  return {
    message: {
      type: "message",
      externalId,
      from: { id: address, email: address, name: parsed.from?.name || undefined },
      text: text || null,
      media: parsed.attachments.map((a, i) => ({
        ref: `inline:${i}`,
        contentType: a.mimeType,
        name: a.filename ?? undefined,
      })),
      timestamp: Date.parse(parsed.date ?? "") || Date.now(),
      replyTo: [...new Set(replyTo)],
      subject: parsed.subject,
    },
    files: parsed.attachments.map((a) => ({
      body: bytesOf(a.content),
      name: a.filename ?? "attachment",
      contentType: a.mimeType,
    })),
    recipients: [
      ...mailboxes(parsed.to),
      ...mailboxes(parsed.cc),
      ...(parsed.deliveredTo ? [parsed.deliveredTo] : []),
    ].filter(Boolean),
  };
}
