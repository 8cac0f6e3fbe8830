import { z } from "@hono/zod-openapi";

const LocalDate = z.iso.date().openapi({ example: "2026-11-01" });
const Percent = z.number().nullable();
const Distribution = z.array(z.object({ score: z.number().int(), count: z.number().int() }));

const CsatFigures = z
  .object({
    responses: z.number().int(),
    satisfied: z.number().int().openapi({ description: "Answers of 4 or 5" }),
    csat_percent: Percent.openapi({ description: "Satisfied answers' share, in %" }),
    average: z.number().nullable(),
    distribution: Distribution.openapi({ description: "Answers per score, 1 to 5" }),
  })
  .openapi("CsatFigures", { description: "Surveys on the 1–5 scale" });

const NpsFigures = z
  .object({
    responses: z.number().int(),
    promoters: z.number().int().openapi({ description: "Answers of 9 or 10" }),
    passives: z.number().int().openapi({ description: "Answers of 7 or 8" }),
    detractors: z.number().int().openapi({ description: "Answers of 0 to 6" }),
    nps: Percent.openapi({
      description: "Promoters' share minus detractors' share, in points (−100 to 100)",
    }),
    average: z.number().nullable(),
    distribution: Distribution.openapi({ description: "Answers per score, 0 to 10" }),
  })
  .openapi("NpsFigures", { description: "Surveys on the 0–10 scale" });

export const CsatReport = z
  .object({
    from: LocalDate,
    to: LocalDate,
    timezone: z.string(),
    totals: z.object({
      asked: z.number().int().openapi({ description: "Surveys sent after a close" }),
      responses: z.number().int().openapi({ description: "Surveys answered with a score" }),
      response_rate: Percent.openapi({ description: "Responses per survey sent, in %" }),
      csat: CsatFigures,
      nps: NpsFigures,
    }),
    series: z.array(
      z.object({
        period: LocalDate,
        asked: z.number().int(),
        responses: z.number().int(),
        csat_responses: z.number().int(),
        csat_percent: Percent,
        csat_average: z.number().nullable(),
        nps_responses: z.number().int(),
        nps: Percent,
      }),
    ),
  })
  .openapi("CsatReport");
