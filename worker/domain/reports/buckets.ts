/** Durations are counted in buckets about 10 % wide, so medians and p90s come from rollups. */
const GROWTH = 1.1;
const LOG_GROWTH = Math.log(GROWTH);

export const HOUR_MS = 3_600_000;

/** The start of the UTC hour `at` falls in. */
export const hourOf = (at: number) => Math.floor(at / HOUR_MS) * HOUR_MS;

/** The bucket of a duration: 0 under a second, then each 10 % longer than the one before. */
export function durationBucket(ms: number): number {
  const seconds = Math.max(0, ms) / 1000;
  if (seconds < 1) return 0;
  return 1 + Math.floor(Math.log(seconds) / LOG_GROWTH + 1e-9);
}

/** The seconds a bucket spans: [low, high). */
export function bucketSpan(bucket: number): [number, number] {
  if (bucket <= 0) return [0, 1];
  return [GROWTH ** (bucket - 1), GROWTH ** bucket];
}

/** Durations counted in one bucket: how many, and their seconds summed. */
export type BucketTally = { count: number; seconds: number };

/**
 * The `p`th percentile (0–100, nearest rank) of durations counted per bucket, in whole seconds:
 * the mean of the bucket the rank falls in, exact when the bucket holds one duration (or equal
 * ones), within its 10 % otherwise. Null when nothing was counted.
 */
export function percentileSeconds(tallies: Map<number, BucketTally>, p: number): number | null {
  const buckets = [...tallies.entries()].filter(([, t]) => t.count > 0).sort(([a], [b]) => a - b);
  const total = buckets.reduce((sum, [, t]) => sum + t.count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const [, tally] of buckets) {
    seen += tally.count;
    if (seen >= rank) return Math.round(tally.seconds / tally.count);
  }
  return null;
}
