import type { ReportMetric } from "../../db/schema";
import { type BucketTally, percentileSeconds } from "./buckets";

/** A counter as reports read it. */
export type RollupRow = {
  metric: ReportMetric;
  hour: number;
  bucket: number;
  count: number;
  seconds: number;
};

/** Durations round the clock, or in business hours only. */
type Hours = "all" | "business" | undefined;

/** The durations of the kind asked for: all the time taken, or business hours'. */
export const kindOf = (metric: "first_response" | "resolution", hours: Hours): ReportMetric =>
  hours === "business" ? `${metric}_business` : metric;

/** Durations' median, p90 and mean, in seconds (null when none). */
export type DurationSummary = {
  median_seconds: number | null;
  p90_seconds: number | null;
  mean_seconds: number | null;
};

/** SLA targets met and missed over some rows. */
export type TargetSummary = { met: number; missed: number; met_percent: number | null };

/** Counts and durations added up over some rows. */
export class Tally {
  readonly counts = new Map<ReportMetric, number>();
  readonly durations = new Map<ReportMetric, Map<number, BucketTally>>();

  add(row: RollupRow) {
    this.counts.set(row.metric, (this.counts.get(row.metric) ?? 0) + row.count);
    if (row.bucket < 0) return;
    const buckets = this.durations.get(row.metric) ?? new Map<number, BucketTally>();
    const tally = buckets.get(row.bucket) ?? { count: 0, seconds: 0 };
    buckets.set(row.bucket, {
      count: tally.count + row.count,
      seconds: tally.seconds + row.seconds,
    });
    this.durations.set(row.metric, buckets);
  }

  count(metric: ReportMetric) {
    return this.counts.get(metric) ?? 0;
  }

  duration(metric: ReportMetric): DurationSummary {
    const buckets = this.durations.get(metric) ?? new Map<number, BucketTally>();
    let n = 0;
    let seconds = 0;
    for (const tally of buckets.values()) {
      n += tally.count;
      seconds += tally.seconds;
    }
    return {
      median_seconds: percentileSeconds(buckets, 50),
      p90_seconds: percentileSeconds(buckets, 90),
      mean_seconds: n > 0 ? Math.round(seconds / n) : null,
    };
  }

  /** Survey answers per score (a score's counter keeps it in its bucket). */
  scores(metric: "csat_score" | "nps_score"): Map<number, number> {
    const buckets = this.durations.get(metric) ?? new Map<number, BucketTally>();
    return new Map([...buckets].map(([score, tally]) => [score, tally.count]));
  }

  /** Targets met and missed (counted per bucket 1 / 0), and the share met. */
  target(metric: "first_response_sla" | "resolution_sla"): TargetSummary {
    const buckets = this.durations.get(metric);
    const met = buckets?.get(1)?.count ?? 0;
    const missed = buckets?.get(0)?.count ?? 0;
    const all = met + missed;
    return { met, missed, met_percent: all > 0 ? Math.round((met / all) * 1000) / 10 : null };
  }

  totals(hours: Hours = "all") {
    return {
      conversations_opened: this.count("conversations_opened"),
      conversations_closed: this.count("resolution"),
      conversations_reopened: this.count("conversations_reopened"),
      assignments: this.count("assignments"),
      messages_in: this.count("messages_in"),
      messages_out: this.count("messages_out"),
      first_responses: this.count("first_response"),
      first_response_time: this.duration(kindOf("first_response", hours)),
      resolution_time: this.duration(kindOf("resolution", hours)),
      first_response_sla: this.target("first_response_sla"),
      resolution_sla: this.target("resolution_sla"),
    };
  }
}
