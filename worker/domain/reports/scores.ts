/** Survey scores counted per score (1–5 or 0–10), and what they add up to. */

export const total = (scores: Map<number, number>, keep: (score: number) => boolean = () => true) =>
  [...scores].reduce((sum, [score, n]) => (keep(score) ? sum + n : sum), 0);

/** A share in percent, one decimal; null when there is nothing to share. */
export const percent = (part: number, whole: number) =>
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
export function csatSummary(scores: Map<number, number>) {
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
export function npsSummary(scores: Map<number, number>) {
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
