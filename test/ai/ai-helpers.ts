import { env } from "cloudflare:workers";
import { createDb } from "../../worker/db/client";
import type { AiFeature } from "../../worker/db/schema";
import type { AiCall } from "../../worker/domain/ai/provider";
import { systemClock } from "../../worker/lib/clock";
import { fakeUrl, uniqueDigits } from "../channel-helpers";
import { api } from "../helpers";

/**
 * The fake's OpenAI-compatible API under a path of this test's own, so what it scripts and
 * what the fake records are not shared with tests running beside it.
 */
export function fakeOpenAi() {
  const label = `t${uniqueDigits()}`;
  return { baseUrl: `${fakeUrl()}/openai/${label}/v1`, path: `/openai/${label}/v1` };
}

export async function putAiSettings(cookie: string, body: Record<string, unknown>) {
  const response = await api("/api/v1/ai/settings", { cookie, method: "PUT", body });
  if (response.status !== 200)
    throw new Error(`ai settings failed: ${response.status} ${await response.text()}`);
  return response;
}

/** A provider call for the workspace, the way a feature makes one. */
export const aiCall = (
  workspaceId: string,
  feature: AiFeature = "assistant",
  conversationId: string | null = null,
): AiCall => ({
  db: createDb(env.DB),
  env,
  clock: systemClock,
  workspaceId,
  feature,
  conversationId,
});

export const KNOWLEDGE = [
  "You answer customers of Acme Bikes from the knowledge below only.",
  "Knowledge:",
  "Our shop opens at 9am on weekdays and 10am on Saturdays.",
  "Refunds are paid back within five business days.",
  "Delivery to Portugal takes three days.",
].join("\n");
