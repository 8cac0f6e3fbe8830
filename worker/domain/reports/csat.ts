import type { Db } from "../../lib/context";
import { localHours, periodOf, periodsOf, type ReportRange, rollupsIn } from "./read";
import { csatSummary, npsSummary, percent, total } from "./scores";

/** Scores counted per score, and what they add up to. */
class Scores {
  asked = 0;
  readonly csat = new Map<number, number>();
  readonly nps = new Map<number, number>();

  add(row: { metric: string; bucket: number; count: number }) {
    if (row.metric === "csat_asked") this.asked += row.count;
    const scores =
      row.metric === "csat_score" ? this.csat : row.metric === "nps_score" ? this.nps : null;
    scores?.set(row.bucket, (scores.get(row.bucket) ?? 0) + row.count);
  }

  get responses() {
    return total(this.csat) + total(this.nps);
  }

  summary() {
    return {
      asked: this.asked,
      responses: this.responses,
      response_rate: percent(this.responses, this.asked),
      csat: csatSummary(this.csat),
      nps: npsSummary(this.nps),
    };
  }
}

/** Surveys asked and answered over the range, with CSAT and NPS, in total and per day. */
export async function csatReport(db: Db, workspaceId: string, range: ReportRange) {
  const rows = await rollupsIn(db, workspaceId, range, ["csat_asked", "csat_score", "nps_score"]);
  const totals = new Scores();
  const byDay = new Map<string, Scores>();
  const local = localHours(range.timezone);
  for (const row of rows) {
    totals.add(row);
    const day = periodOf(row.hour, local, "day");
    const scores = byDay.get(day) ?? new Scores();
    scores.add(row);
    byDay.set(day, scores);
  }
  return {
    from: range.from,
    to: range.to,
    timezone: range.timezone,
    totals: totals.summary(),
    series: periodsOf(range, local, "day").map((period) => {
      const day = (byDay.get(period) ?? new Scores()).summary();
      return {
        period,
        asked: day.asked,
        responses: day.responses,
        csat_responses: day.csat.responses,
        csat_percent: day.csat.csat_percent,
        csat_average: day.csat.average,
        nps_responses: day.nps.responses,
        nps: day.nps.nps,
      };
    }),
  };
}
