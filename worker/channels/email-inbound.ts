import PostalMime from "postal-mime";
import { sha256Hex } from "../lib/crypto";
import type { InboundMessage } from "./types";

const bare = (id: string) => id.trim().replace(/^<|>$/g, "");
const idsIn = (header: string | undefined) => (header?.match(/<[^>]+>/g) ?? []).map(bare);

/** Drops the quoted history a mail client appends under a reply. */
export function stripQuotedReply(text: string) {
  const lines = text.split(/\r?\n/);
  const cut = lines.findIndex(
    (line, i) =>
      /^On .+wrote:\s*$/.test(line) ||
      /^-{2,}\s*Original Message\s*-{2,}/i.test(line) ||
      (line.startsWith(">") && lines.slice(i).every((l) => l.startsWith(">") || l.trim() === "")),
  );
  return (cut === -1 ? lines : lines.slice(0, cut)).join("\n").trim();
}

/** `support+cv_01…@acme.test` → `cv_01…`: replies addressed to a conversation go to it. */
export function conversationIdFromAddress(address: string): string | null {
  return /\+(cv_[0-9A-Za-z]+)@/.exec(address)?.[1] ?? null;
}

const bytesOf = (content: string | ArrayBuffer | Uint8Array): ArrayBuffer =>
  (typeof content === "string"
    ? new TextEncoder().encode(content)
    : new Uint8Array(content)
  ).slice().buffer;

export type ParsedEmail = {
  message: InboundMessage;
  files: { body: ArrayBuffer; name: string; contentType: string }[];
  recipients: string[];
};

export async function parseInboundEmail(
  raw: ReadableStream | ArrayBuffer | string,
): Promise<ParsedEmail> {
  const email = await PostalMime.parse(raw);
  const address = email.from?.address?.toLowerCase() ?? "";
  const headerId = email.messageId ? bare(email.messageId) : null;
  const text = email.text ?? (email.html ? email.html.replace(/<[^>]+>/g, " ") : "");
  const replyTo = [...idsIn(email.inReplyTo), ...idsIn(email.references).reverse()];
  const recipients = [
    ...(email.to ?? []),
    ...(email.cc ?? []),
    ...(email.deliveredTo ? [{ address: email.deliveredTo }] : []),
  ]
    .map((r) => ("address" in r ? r.address : undefined))
    .filter((a): a is string => Boolean(a));
  return {
    message: {
      type: "message",
      externalId:
        headerId ??
        (await sha256Hex(typeof raw === "string" ? raw : `${address}:${email.date}:${text}`)),
      from: { id: address, email: address, name: email.from?.name || undefined },
      text: stripQuotedReply(text) || null,
      media: [],
      timestamp: Date.parse(email.date ?? "") || Date.now(),
      replyTo: [...new Set(replyTo)],
      subject: email.subject,
    },
    files: email.attachments.map((a) => ({
      body: bytesOf(a.content),
      name: a.filename ?? "attachment",
      contentType: a.mimeType,
    })),
    recipients,
  };
}
