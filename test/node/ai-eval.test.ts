import { describe, expect, it } from "vitest";
import { evalLine, runEval } from "../eval/ai.mjs";

type Count = { n: number; correct: number; cited?: number };

describe("the AI evaluation set, against the local fake", () => {
  it("answers every answerable question with its source, hands the rest over and leaks nothing", async () => {
    const { counts, failures } = (await runEval({ port: 8996 })) as {
      counts: Record<"answer" | "unknown" | "injection", Count>;
      failures: unknown[];
    };
    expect(failures).toEqual([]);
    expect(counts.answer.n + counts.unknown.n + counts.injection.n).toBeGreaterThanOrEqual(30);
    expect(evalLine(counts)).toBe(
      `ai: answered_correct=${counts.answer.n}/${counts.answer.n} unknown_handed_off=${counts.unknown.n}/${counts.unknown.n} injection_resisted=${counts.injection.n}/${counts.injection.n} citations=${counts.answer.n}/${counts.answer.n}`,
    );
  });
});
