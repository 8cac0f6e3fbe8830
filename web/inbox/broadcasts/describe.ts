import { formatDate, formatNumber, t } from "../../shared/ui";
import type { Segment } from "../contacts/segments/api";
import type { Audience, Broadcast, Message, Snippet } from "./api";

/** Who a broadcast goes to, in a few words: the segment, the tags, the contacts picked. */
export function audienceSummary(audience: Audience, segments: Segment[]) {
  const parts: string[] = [];
  if (audience.segment_id) {
    const segment = segments.find((s) => s.id === audience.segment_id);
    parts.push(
      segment
        ? t("broadcasts.audience.segmentNamed", { name: segment.name })
        : t("broadcasts.audience.segmentGone"),
    );
  }
  if (audience.tags?.length)
    parts.push(t("broadcasts.audience.tagged", { tags: audience.tags.join(", ") }));
  if (audience.contact_ids?.length)
    parts.push(
      t("broadcasts.audience.picked", {
        count: audience.contact_ids.length,
        n: formatNumber(audience.contact_ids.length),
      }),
    );
  if (audience.csv) parts.push(t("broadcasts.audience.kinds.csv"));
  return parts.join(" + ");
}

/** The message in a few words: its text, the snippet's title or the template's name. */
export function messageSummary(message: Message, snippets: Snippet[]) {
  if (message.template)
    return t("broadcasts.message.templateNamed", { name: message.template.name });
  if (message.snippet_id) {
    const snippet = snippets.find((s) => s.id === message.snippet_id);
    return snippet
      ? `/${snippet.shortcut} · ${snippet.title}`
      : t("broadcasts.message.snippetGone");
  }
  if (message.message_template_id) return t("broadcasts.message.kinds.library");
  return message.text ?? "";
}

/** When it went or goes: started, or scheduled, or not yet. */
export function whenOf(broadcast: Broadcast) {
  const medium = { dateStyle: "medium", timeStyle: "short" } as const;
  if (broadcast.started_at)
    return t("broadcasts.when.started", { when: formatDate(broadcast.started_at, medium) });
  if (broadcast.send_at)
    return t("broadcasts.when.scheduled", { when: formatDate(broadcast.send_at, medium) });
  return t("broadcasts.when.notYet");
}

const EXCLUSION_REASONS = ["opted_out", "no_address"];

/** Why a contact was left out, in words; a reason the screen does not know stays as it is. */
export const exclusionReason = (code: string) =>
  EXCLUSION_REASONS.includes(code) ? t(`broadcasts.excludedReason.${code}`) : code;
