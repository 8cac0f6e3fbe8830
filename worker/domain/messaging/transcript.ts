import type { ConversationDto, MessageDto } from "../../schemas/conversations";
import { localParts } from "../routing/hours";
import { conversationStub } from "./stubs";

/** One line of a transcript: when, who, and what they said or what happened. */
type Line = { at: string; who: string; text: string; note: boolean; event: boolean };

export type Transcript = {
  title: string;
  contact: string;
  timezone: string;
  lines: Line[];
};

const PAGE = 200;

/** Every message of the conversation in order, page by page, as agents see them. */
async function allMessages(env: Env, conversationId: string): Promise<MessageDto[]> {
  const stub = conversationStub(env, conversationId);
  const messages: MessageDto[] = [];
  for (let after = 0; ; ) {
    const page = await stub.list({ afterSeq: after, limit: PAGE, audience: "agent" });
    messages.push(...page);
    if (page.length < PAGE) return messages;
    after = page[page.length - 1]?.seq ?? after;
  }
}

/** A local wall time: `2026-03-27 10:05`. */
function wallTime(iso: string, timezone: string) {
  const local = localParts(Date.parse(iso), timezone);
  const hh = String(Math.floor(local.minutes / 60)).padStart(2, "0");
  const mm = String(local.minutes % 60).padStart(2, "0");
  return `${local.date} ${hh}:${mm}`;
}

/** What a timeline event says, in a few words. */
function eventText(event: NonNullable<MessageDto["event"]>): string {
  const data = event.data;
  const list = (value: unknown) => (Array.isArray(value) ? value.join(", ") : "");
  switch (event.type) {
    case "status_changed":
      return `Status: ${data.from} → ${data.to}${data.reason ? ` (${data.reason})` : ""}`;
    case "assigned":
      return data.to ? `Assigned to ${data.to_name ?? data.to}` : "Unassigned";
    case "labels_changed":
      return [
        list(data.added) && `Labelled ${list(data.added)}`,
        list(data.removed) && `Label removed: ${list(data.removed)}`,
      ]
        .filter(Boolean)
        .join("; ");
    default:
      return event.type.replaceAll("_", " ");
  }
}

function lineOf(message: MessageDto, timezone: string): Line | null {
  const at = wallTime(message.created_at, timezone);
  const who = message.sender.name ?? message.sender.type;
  if (message.kind === "event")
    return message.event
      ? { at, who, text: eventText(message.event), note: false, event: true }
      : null;
  const file = message.attachment ? `[file: ${message.attachment.name}]` : "";
  const text = [message.text ?? "", file].filter(Boolean).join(" ");
  return { at, who, text, note: message.kind === "note", event: false };
}

/** The conversation's transcript in the timezone; internal notes only when asked. */
export async function transcriptOf(
  env: Env,
  conversation: ConversationDto,
  options: { timezone: string; notes: boolean },
): Promise<Transcript> {
  const messages = await allMessages(env, conversation.id);
  const contact = conversation.contact;
  return {
    title: `Conversation #${conversation.number}`,
    contact: [contact.name, contact.email, contact.phone].filter(Boolean).join(" · ") || "—",
    timezone: options.timezone,
    lines: messages
      .filter((message) => options.notes || message.kind !== "note")
      .map((message) => lineOf(message, options.timezone))
      .filter((line): line is Line => line !== null),
  };
}

/** Plain text, one line per message (its own line breaks indented under it). */
export function transcriptText(transcript: Transcript): string {
  const head = [transcript.title, transcript.contact, `Times in ${transcript.timezone}`, ""];
  const body = transcript.lines.map((line) => {
    const who = line.event ? "—" : line.note ? `${line.who} (internal note):` : `${line.who}:`;
    return `[${line.at}] ${who} ${line.text.replaceAll("\n", "\n    ")}`;
  });
  return `${[...head, ...body].join("\n")}\n`;
}

const escapeHtml = (text: string) =>
  text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");

/** A page that reads well and prints well (the browser's print makes a PDF of it). */
export function transcriptHtml(transcript: Transcript): string {
  const rows = transcript.lines
    .map((line) => {
      const kind = line.event ? "event" : line.note ? "note" : "message";
      return `<li class="${kind}"><time>${escapeHtml(line.at)}</time> <b>${escapeHtml(line.event ? "" : line.who)}</b> <span>${escapeHtml(line.text)}</span></li>`;
    })
    .join("\n");
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(transcript.title)}</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;max-width:760px;margin:2rem auto;padding:0 1rem;color:#111}
h1{font-size:1.3rem;margin:0}p{color:#555;margin:.2rem 0 1.2rem}
ol{list-style:none;padding:0}li{padding:.35rem 0;border-bottom:1px solid #eee;white-space:pre-wrap}
time{color:#777;font-size:.85em;margin-inline-end:.4rem}.event{color:#666;font-style:italic}
.note{background:#fff8e1}
</style></head>
<body><h1>${escapeHtml(transcript.title)}</h1>
<p>${escapeHtml(transcript.contact)} · ${escapeHtml(`Times in ${transcript.timezone}`)}</p>
<ol>
${rows}
</ol></body></html>
`;
}
