import { describe, expect, it } from "vitest";
import {
  addBusinessMinutes,
  type BusinessHours,
  instantOf,
  isOpen,
  localParts,
  nextOpening,
  nextPeriodStart,
} from "../../worker/domain/routing/hours";

const weekdays = (open: string, close: string) =>
  [1, 2, 3, 4, 5].map((day) => ({ day, open, close }));

const newYork: BusinessHours = {
  timezone: "America/New_York",
  weekly: weekdays("09:00", "17:00"),
  closures: [{ from: "2026-12-24", to: "2026-12-26", name: "Christmas" }],
};
const madrid: BusinessHours = {
  timezone: "Europe/Madrid",
  weekly: [...weekdays("09:00", "14:00"), ...weekdays("16:00", "19:00")],
  closures: [],
};

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

describe("business hours", () => {
  it("reads wall-clock time in the schedule's timezone", () => {
    // 13:30 UTC on Monday 2 March 2026 is 08:30 in New York (EST) and 14:30 in Madrid (CET)
    expect(isOpen(newYork, at("2026-03-02T13:30:00Z"))).toBe(false);
    expect(isOpen(newYork, at("2026-03-02T14:00:00Z"))).toBe(true);
    expect(isOpen(madrid, at("2026-03-02T13:30:00Z"))).toBe(false); // lunch break
    expect(isOpen(madrid, at("2026-03-02T15:30:00Z"))).toBe(true);
    expect(localParts(at("2026-03-02T13:30:00Z"), "Asia/Kolkata")).toMatchObject({
      date: "2026-03-02",
      minutes: 19 * 60,
    });
  });

  it("follows DST changes: 09:00 New York is 14:00 UTC in winter and 13:00 UTC in summer", () => {
    // DST starts Sunday 8 March 2026 in the US
    expect(iso(nextOpening(newYork, at("2026-03-06T23:00:00Z")))).toBe("2026-03-09T13:00:00.000Z");
    expect(iso(nextOpening(newYork, at("2026-03-02T23:00:00Z")))).toBe("2026-03-03T14:00:00.000Z");
    // Europe moves on 29 March: Monday 30 March opens at 07:00 UTC
    expect(iso(nextOpening(madrid, at("2026-03-28T12:00:00Z")))).toBe("2026-03-30T07:00:00.000Z");
    // a wall-clock time skipped by DST moves forward by the gap: 02:30 → 03:30 EDT
    expect(iso(instantOf("2026-03-08", 2 * 60 + 30, "America/New_York"))).toBe(
      "2026-03-08T07:30:00.000Z",
    );
  });

  it("stays closed on holidays and opens after them", () => {
    expect(isOpen(newYork, at("2026-12-24T15:00:00Z"))).toBe(false);
    // Thursday 24 to Saturday 26 closed, Sunday closed: Monday 28 December 09:00 EST
    expect(iso(nextOpening(newYork, at("2026-12-23T23:00:00Z")))).toBe("2026-12-28T14:00:00.000Z");
    expect(nextOpening({ timezone: "UTC", weekly: [], closures: [] }, Date.now())).toBeNull();
  });

  it("names the next period's start while open, joining back-to-back intervals", () => {
    // Monday 2 March, 10:00 in Madrid: open until 14:00, then again at 16:00
    expect(iso(nextPeriodStart(madrid, at("2026-03-02T09:00:00Z")))).toBe(
      "2026-03-02T15:00:00.000Z",
    );
    // closed at lunch: the same answer as nextOpening
    expect(iso(nextPeriodStart(madrid, at("2026-03-02T13:30:00Z")))).toBe(
      "2026-03-02T15:00:00.000Z",
    );
    const nights: BusinessHours = {
      timezone: "UTC",
      weekly: [
        { day: 1, open: "18:00", close: "24:00" },
        { day: 2, open: "00:00", close: "02:00" },
        { day: 2, open: "18:00", close: "20:00" },
      ],
      closures: [],
    };
    // Monday 23:00: the night runs into Tuesday 02:00, so the next period is Tuesday 18:00
    expect(iso(nextPeriodStart(nights, at("2026-03-02T23:00:00Z")))).toBe(
      "2026-03-03T18:00:00.000Z",
    );
    const always: BusinessHours = {
      timezone: "UTC",
      weekly: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open: "00:00", close: "24:00" })),
      closures: [],
    };
    expect(nextPeriodStart(always, Date.now())).toBeNull();
  });

  it("counts SLA targets in open time only", () => {
    // 4 business hours from Friday 16:00 New York: 1 h on Friday, 3 h from Monday 09:00
    expect(iso(addBusinessMinutes(newYork, at("2026-03-06T21:00:00Z"), 240))).toBe(
      "2026-03-09T16:00:00.000Z",
    );
    // across Madrid's lunch break: 30 min before 14:00, 60 min from 16:00 (CET)
    expect(iso(addBusinessMinutes(madrid, at("2026-03-02T12:30:00Z"), 90))).toBe(
      "2026-03-02T16:00:00.000Z",
    );
  });
});
