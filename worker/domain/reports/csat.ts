import type { Db } from "../../lib/context";
import { localHours, periodOf, periodsOf, type ReportRange, rollupsIn } from "./read";

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

const total = (scores: Map<number, number>, keep: (score: number) => boolean = () => true) =>
  [...scores].reduce((sum, [score, n]) => (keep(score) ? sum + n : sum), 0);

/** A share in percent, one decimal; null when there is nothing to share. */
const percent = (part: number, whole: number) =>
  whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;

function average(scores: Map<number, number>) {
  const n = total(scores);
  if (n === 0) return null;
  const sum = [...scores].reduce((s, [score, count]) => s + score * count, 0);
  return Math.round((sum / n) * 100) / 100;
}

const distribution = (scores: Map<number, number>, min: number, max: number) =>
  Array.from({ length: max - min + 1 }, (_, i) => ({
    score: min + i,
    count: scores.get(min + i) ?? 0,
  }));

/** 1–5 answers: CSAT is the share of 4s and 5s. */
function csatSummary(scores: Map<number, number>) {
  const responses = total(scores);
  const satisfied = total(scores, (score) => score >= 4);
  return {
    responses,
    satisfied,
    csat_percent: percent(satisfied, responses),
    average: average(scores),
    distribution: distribution(scores, 1, 5),
  };
}

/** 0–10 answers: NPS is promoters' share (9–10) minus detractors' (0–6), in points. */
function npsSummary(scores: Map<number, number>) {
  const responses = total(scores);
  const promoters = total(scores, (score) => score >= 9);
  const detractors = total(scores, (score) => score <= 6);
  return {
    responses,
    promoters,
    passives: responses - promoters - detractors,
    detractors,
    nps: responses > 0 ? Math.round(((promoters - detractors) / responses) * 1000) / 10 : null,
    average: average(scores),
    distribution: distribution(scores, 0, 10),
  };
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
