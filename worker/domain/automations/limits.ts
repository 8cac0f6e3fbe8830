import type { Frequency } from "../../schemas/automations";

const HOUR = 3_600_000;

/** The window a frequency limit counts runs in, and how many it allows there. */
function allowance(frequency: Frequency): { count: number; windowMs: number } | null {
  switch (frequency.type) {
    case "every_time":
      return null;
    case "once":
      return { count: 1, windowMs: Number.POSITIVE_INFINITY };
    case "once_per_day":
      return { count: 1, windowMs: 24 * HOUR };
    case "once_per_week":
      return { count: 1, windowMs: 7 * 24 * HOUR };
    case "limit":
      return { count: frequency.count, windowMs: frequency.period_hours * HOUR };
  }
}

/**
 * Since when earlier runs count against the limit, and how many may have started since then
 * (null: the limit counts none).
 */
export function limitWindow(frequency: Frequency, now: number) {
  const rule = allowance(frequency);
  if (!rule) return null;
  return { since: Number.isFinite(rule.windowMs) ? now - rule.windowMs : 0, count: rule.count };
}

/** How deep a chain of automations starting each other (or changing what triggers them) may go. */
export const MAX_CHAIN_DEPTH = 5;
/** How often one automation may be started again by its own chain of events. */
export const MAX_SELF_RETRIGGERS = 1;

export type LoopVerdict = "allowed" | "self" | "depth";

/**
 * The loop guard: `chain` lists the automations whose runs led to the event, oldest first. An
 * automation may re-trigger itself once per chain, and no chain grows past MAX_CHAIN_DEPTH.
 */
export function loopVerdict(chain: string[], automationId: string, chainDepth = 0): LoopVerdict {
  if (Math.max(chain.length, chainDepth) >= MAX_CHAIN_DEPTH) return "depth";
  const own = chain.filter((id) => id === automationId).length;
  return own > MAX_SELF_RETRIGGERS ? "self" : "allowed";
}
