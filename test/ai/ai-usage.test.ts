import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { complete } from "../../worker/domain/ai/provider";
import { recordUsage } from "../../worker/domain/ai/usage";
import { api, expectProblem, json, newWorkspace } from "../helpers";
import { aiCall, fakeOpenAi, KNOWLEDGE, putAiSettings } from "./ai-helpers";

const at = (iso: string) => Date.parse(iso);

async function spend(
  workspaceId: string,
  feature: "assistant" | "copilot" | "embedding",
  iso: string,
  prompt: number,
  completion: number,
) {
  await recordUsage(
    createDb(env.DB),
    workspaceId,
    {
      conversationId: null,
      feature,
      model: "gpt-4o-mini",
      promptTokens: prompt,
      completionTokens: completion,
    },
    at(iso),
  );
}

describe("AI usage", () => {
  it("adds up a month by feature and by day (UTC) against the monthly budget", async () => {
    const ws = await newWorkspace();
    await putAiSettings(ws.ownerCookie, {
      monthly_token_budget: 1000,
      conversation_token_budget: 300,
    });
    await spend(ws.id, "assistant", "2026-11-30T23:59:59.999Z", 500, 500); // the month before
    await spend(ws.id, "assistant", "2026-12-01T00:00:00.000Z", 100, 20);
    await spend(ws.id, "assistant", "2026-12-01T18:00:00.000Z", 50, 10);
    await spend(ws.id, "copilot", "2026-12-05T08:00:00.000Z", 30, 5);
    await spend(ws.id, "embedding", "2026-12-31T23:59:59.000Z", 40, 0);
    await spend(ws.id, "embedding", "2027-01-01T00:00:00.000Z", 999, 0); // the month after
    const other = await newWorkspace();
    await spend(other.id, "assistant", "2026-12-02T00:00:00.000Z", 700, 0);

    const usage = await json(
      await api("/api/v1/ai/usage?month=2026-12", { cookie: ws.ownerCookie }),
    );
    expect(usage).toEqual({
      month: "2026-12",
      monthly_token_budget: 1000,
      conversation_token_budget: 300,
      prompt_tokens: 220,
      completion_tokens: 35,
      total_tokens: 255,
      remaining_tokens: 745,
      by_feature: [
        { feature: "assistant", prompt_tokens: 150, completion_tokens: 30, total_tokens: 180 },
        { feature: "copilot", prompt_tokens: 30, completion_tokens: 5, total_tokens: 35 },
        { feature: "embedding", prompt_tokens: 40, completion_tokens: 0, total_tokens: 40 },
      ],
      by_day: [
        { day: "2026-12-01", prompt_tokens: 150, completion_tokens: 30, total_tokens: 180 },
        { day: "2026-12-05", prompt_tokens: 30, completion_tokens: 5, total_tokens: 35 },
        { day: "2026-12-31", prompt_tokens: 40, completion_tokens: 0, total_tokens: 40 },
      ],
    });
    const november = await json(
      await api("/api/v1/ai/usage?month=2026-11", { cookie: ws.ownerCookie }),
    );
    expect(november).toMatchObject({ total_tokens: 1000, remaining_tokens: 0 });
  });

  it("shows this month's calls, and no limit when there is no budget", async () => {
    const ws = await newWorkspace();
    await putAiSettings(ws.ownerCookie, {
      enabled: true,
      base_url: fakeOpenAi().baseUrl,
      api_key: "sk-usage-1234",
    });
    await complete(aiCall(ws.id, "copilot"), {
      messages: [
        { role: "system", content: KNOWLEDGE },
        { role: "user", content: "refunds" },
      ],
    });
    const usage = await json<{
      total_tokens: number;
      remaining_tokens: null;
      by_feature: unknown[];
    }>(await api("/api/v1/ai/usage", { cookie: ws.ownerCookie }));
    expect(usage.total_tokens).toBeGreaterThan(0);
    expect(usage.remaining_tokens).toBeNull();
    expect(usage.by_feature).toEqual([
      expect.objectContaining({ feature: "copilot", total_tokens: usage.total_tokens }),
    ]);
  });

  it("is for supervisors and up, and refuses a malformed month", async () => {
    const ws = await newWorkspace();
    const agent = await (await ws.addMember("agent")).login();
    await expectProblem(await api("/api/v1/ai/usage", { cookie: agent }), 403);
    const supervisor = await (await ws.addMember("supervisor")).login();
    expect((await api("/api/v1/ai/usage", { cookie: supervisor })).status).toBe(200);
    for (const month of ["2026-13", "2026-1", "december"]) {
      const problem = await expectProblem(
        await api(`/api/v1/ai/usage?month=${month}`, { cookie: supervisor }),
        422,
      );
      expect(problem.errors?.[0]?.path).toBe("query.month");
    }
  });
});
