/** Time is injected so that hours, schedules and expiries can be tested. */
export type Clock = { now(): number };

export const systemClock: Clock = { now: () => Date.now() };
