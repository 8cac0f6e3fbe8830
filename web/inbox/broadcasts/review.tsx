import { formatDate, formatNumber, t } from "../../shared/ui";
import { channelLabel } from "../contacts/channels";
import type { Segment } from "../contacts/segments/api";
import { clicksSummary, variantRows } from "./ab-summary";
import type { Channel, Draft, Snippet } from "./api";
import type { AudiencePreview } from "./audience";
import { audienceSummary, messageSummary } from "./describe";
import { recurrenceOf, repeatSummary } from "./repeat";
import type { Schedule } from "./schedule";
import { instantOf } from "./zoned";

/** The count the audience preview has now, or null while it is not known. */
export const countOf = (preview: AudiencePreview) =>
  preview.kind === "ready" ? preview.preview.count : null;

/** A local wall time ("2030-06-01T09:00") in words, whatever zone it is read in. */
const wallInWords = (wall: string) =>
  formatDate(`${wall}:00Z`, { dateStyle: "full", timeStyle: "short", timeZone: "UTC" });

export function scheduleSummary(schedule: Schedule, zone: string) {
  const inZone = (when: string) =>
    t("broadcasts.schedule.atSummary", { when, zone: zone.replaceAll("_", " ") });
  if (schedule.at === "repeat")
    return inZone(repeatSummary(recurrenceOf(schedule.repeat, zone), zone));
  if (schedule.at === "local")
    return t("broadcasts.schedule.localSummary", { when: wallInWords(schedule.wall) });
  const at = schedule.at === "later" ? instantOf(schedule.wall, zone) : null;
  return at
    ? inZone(formatDate(at, { dateStyle: "full", timeStyle: "short", timeZone: zone }))
    : t("broadcasts.schedule.nowSummary");
}

/** Everything about to go out, on one card, before it is started or scheduled. */
export function ReviewStep({
  draft,
  preview,
  schedule,
  zone,
  refs,
}: {
  draft: Draft;
  preview: AudiencePreview;
  schedule: Schedule;
  zone: string;
  refs: { segments: Segment[]; channels: Channel[]; snippets: Snippet[] };
}) {
  const channel = refs.channels.find((c) => c.id === draft.channel_id);
  const count = countOf(preview);
  const messageRows: [string, string][] = draft.variants
    ? variantRows(draft, refs.snippets, count)
    : [[t("broadcasts.steps.message"), messageSummary(draft.message, refs.snippets)]];
  const rows: [string, string][] = [
    [t("broadcasts.name"), draft.name],
    [
      t("broadcasts.steps.audience"),
      `${audienceSummary(draft.audience, refs.segments)}${
        count === null
          ? ""
          : ` · ${t("broadcasts.review.count", { count, n: formatNumber(count) })}`
      }`,
    ],
    [
      t("broadcasts.message.channel"),
      channel ? `${channel.name} · ${channelLabel(channel.type)}` : "—",
    ],
    ...messageRows,
    [t("broadcasts.trackClicks"), clicksSummary(draft)],
    [t("broadcasts.steps.schedule"), scheduleSummary(schedule, zone)],
  ];
  return (
    <section class="card stack review-card" aria-labelledby="review-title">
      <h2 id="review-title">{t("broadcasts.review.title")}</h2>
      <dl class="review-list">
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p class="muted small">{t("broadcasts.review.exclusions")}</p>
    </section>
  );
}
