import { currentLanguage, formatNumber, t } from "../../shared/ui";
import type { Broadcast, Draft, Snippet } from "./api";
import { messageSummary } from "./describe";

export type Split = NonNullable<Broadcast["split"]>;
export type Variant = NonNullable<Broadcast["variants"]>[number];

/** "A and B", "A, B and C" — in the reader's language. */
export const keyList = (keys: string[]) =>
  new Intl.ListFormat(currentLanguage(), { type: "conjunction" }).format(keys);

const percent = (share: number) =>
  formatNumber(share / 100, { style: "percent", maximumFractionDigits: 1 });

/**
 * Who gets what: each variant's share of the audience and, with its count, how many contacts
 * each variant and the winner get (the sample is dealt to the variants in turn, as the API does).
 */
export function sampleSummary(split: Split, keys: string[], count: number | null) {
  const share = percent(split.sample_percent / keys.length);
  const variants = keyList(keys);
  if (count === null) return t("broadcasts.ab.sampleSummaryUnknown", { variants, share });
  const sample = Math.round((count * split.sample_percent) / 100);
  const least = Math.floor(sample / keys.length);
  const each =
    sample % keys.length
      ? `${formatNumber(least)}–${formatNumber(least + 1)}`
      : formatNumber(least);
  const rest = count - sample;
  return t("broadcasts.ab.sampleSummary", {
    count,
    variants,
    share,
    total: formatNumber(count),
    each,
    rest: formatNumber(rest),
  });
}

/** "winner by replies after 24 hours" */
export const decideSummary = (split: Split) =>
  t("broadcasts.ab.decideSummary", {
    count: split.decide_after_hours,
    n: formatNumber(split.decide_after_hours),
    metric: t(`broadcasts.ab.metricName.${split.winner_by}`),
  });

/** The review's lines for an A/B test: each variant, then how the sample is split and judged. */
export function variantRows(draft: Draft, snippets: Snippet[], count: number | null) {
  const variants = draft.variants ?? [];
  const rows = variants.map((v): [string, string] => [
    t("broadcasts.ab.variant", { key: v.key }),
    messageSummary(v.message, snippets),
  ]);
  if (draft.split)
    rows.push([
      t("broadcasts.ab.toggle"),
      `${sampleSummary(
        draft.split,
        variants.map((v) => v.key),
        count,
      )} ${decideSummary(draft.split)}`,
    ]);
  return rows;
}

/** Whether links go out as short links that count clicks (they do unless turned off). */
export const clicksSummary = (draft: Draft) =>
  draft.track_clicks === false ? t("broadcasts.review.clicksOff") : t("broadcasts.review.clicksOn");
