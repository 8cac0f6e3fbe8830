import { describe, expect, it } from "vitest";
import { nextRunAt } from "../../worker/domain/broadcasts/recurrence";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe("a recurring broadcast's next run", () => {
  const weekly = {
    every: "weekly" as const,
    days_of_week: [1, 4],
    time: "09:00",
  };

  it("is the next chosen weekday at the local time, across the autumn DST change", () => {
    // Thursday 2030-10-24 10:00 in Madrid (UTC+2): today's 09:00 has passed, Monday the 28th
    // is after the clocks went back (UTC+1)
    const now = at("2030-10-24T08:00:00Z");
    expect(iso(nextRunAt(weekly, "Europe/Madrid", now, now, 3))).toBe("2030-10-28T08:00:00.000Z");
    // before 09:00 on a Thursday it is that day's
    const early = at("2030-10-24T06:00:00Z");
    expect(iso(nextRunAt(weekly, "Europe/Madrid", early, early, 3))).toBe(
      "2030-10-24T07:00:00.000Z",
    );
  });

  it("waits for the first run's start, takes a short month's last day, and stops at the end", () => {
    const now = at("2030-01-01T00:00:00Z");
    const monthly = { every: "monthly" as const, day_of_month: 31, time: "12:00" };
    expect(iso(nextRunAt(monthly, "UTC", now, at("2030-02-01T00:00:00Z"), 0))).toBe(
      "2030-02-28T12:00:00.000Z",
    );
    const twice = { ...monthly, ends: { after_runs: 2 } };
    expect(nextRunAt(twice, "UTC", now, now, 1)).not.toBeNull();
    expect(nextRunAt(twice, "UTC", now, now, 2)).toBeNull();
    const untilMid = { ...monthly, ends: { at: "2030-01-15T00:00:00Z" } };
    expect(nextRunAt(untilMid, "UTC", now, now, 0)).toBeNull();
    const yearly = { every: "yearly" as const, month: 2, day_of_month: 29, time: "08:00" };
    expect(iso(nextRunAt(yearly, "UTC", now, now, 0))).toBe("2030-02-28T08:00:00.000Z");
  });
});
