import { eq } from "drizzle-orm";
import { aiSettings, type Role } from "../../db/schema";
import type { Db } from "../../lib/context";
import { type FieldError, validationFailed } from "../../lib/errors";
import { roleAtLeast } from "../../lib/roles";
import { seal, unseal } from "../../lib/secret-box";
import { targetFieldError } from "../../lib/targets";
import { AI_DEFAULTS, type AiSettingsDto, type AiSettingsInput } from "../../schemas/ai";
import { reembedWorkspace } from "../knowledge/embeddings";

export type AiSettingsRow = typeof aiSettings.$inferSelect;

/** What a workspace without AI settings has: AI off, OpenAI's endpoint and models. */
const defaults = (workspaceId: string): AiSettingsRow => ({
  workspaceId,
  enabled: false,
  baseUrl: AI_DEFAULTS.base_url,
  model: AI_DEFAULTS.model,
  embeddingModel: AI_DEFAULTS.embedding_model,
  apiKey: null,
  apiKeyLast4: null,
  monthlyTokenBudget: null,
  conversationTokenBudget: null,
  timeoutMs: AI_DEFAULTS.timeout_ms,
  redactPii: false,
  classifyOnArrival: false,
  updatedAt: 0,
});

export async function aiSettingsRow(db: Db, workspaceId: string): Promise<AiSettingsRow> {
  const row = await db.query.aiSettings.findFirst({
    where: eq(aiSettings.workspaceId, workspaceId),
  });
  return row ?? defaults(workspaceId);
}

/** The settings as the API shows them: the key never, and where it goes to admins only. */
export function toAiSettingsDto(row: AiSettingsRow, role: Role): AiSettingsDto {
  const admin = roleAtLeast(role, "admin");
  return {
    enabled: row.enabled,
    base_url: admin ? row.baseUrl : null,
    model: row.model,
    embedding_model: row.embeddingModel,
    api_key_set: row.apiKey !== null,
    api_key_last4: admin ? row.apiKeyLast4 : null,
    monthly_token_budget: row.monthlyTokenBudget,
    conversation_token_budget: row.conversationTokenBudget,
    timeout_ms: row.timeoutMs,
    redact_pii: row.redactPii,
    classify_on_arrival: row.classifyOnArrival,
  };
}

/** The stored key, unsealed, for the provider client only. */
export async function aiApiKey(env: Env, row: AiSettingsRow): Promise<string | null> {
  return row.apiKey ? ((await unseal(env, row.apiKey)).api_key ?? null) : null;
}

/**
 * Everything wrong with the change, checked before anything is stored: the URL must pass the
 * outbound URL guard; a stored key is never sent to a new address, so a new base_url needs the
 * key again; AI can only be on with a key.
 */
async function problems(env: Env, current: AiSettingsRow, input: AiSettingsInput) {
  const errors: FieldError[] = [];
  const moved = input.base_url !== undefined && input.base_url !== current.baseUrl;
  if (moved) {
    const refused = await targetFieldError(env, input.base_url as string, "base_url");
    if (refused) errors.push(refused);
    if (current.apiKey && input.api_key === undefined)
      errors.push({
        path: "api_key",
        message:
          "enter it again: base_url changes, and a stored key is never sent to a new address",
      });
  }
  const keySet = input.api_key === undefined ? current.apiKey !== null : input.api_key !== null;
  if ((input.enabled ?? current.enabled) && !keySet)
    errors.push({
      path: input.api_key === null ? "api_key" : "enabled",
      message: "AI needs an API key to be on",
    });
  return errors;
}

async function sealedKey(env: Env, current: AiSettingsRow, apiKey: string | null | undefined) {
  if (apiKey === undefined) return { apiKey: current.apiKey, apiKeyLast4: current.apiKeyLast4 };
  if (apiKey === null) return { apiKey: null, apiKeyLast4: null };
  return { apiKey: await seal(env, { api_key: apiKey }), apiKeyLast4: apiKey.slice(-4) };
}

export async function updateAiSettings(
  db: Db,
  env: Env,
  workspaceId: string,
  input: AiSettingsInput,
  now: number,
): Promise<AiSettingsRow> {
  const current = await aiSettingsRow(db, workspaceId);
  const errors = await problems(env, current, input);
  if (errors.length) throw validationFailed(errors);
  const values = {
    enabled: input.enabled ?? current.enabled,
    baseUrl: input.base_url ?? current.baseUrl,
    model: input.model ?? current.model,
    embeddingModel: input.embedding_model ?? current.embeddingModel,
    ...(await sealedKey(env, current, input.api_key)),
    monthlyTokenBudget:
      input.monthly_token_budget === undefined
        ? current.monthlyTokenBudget
        : input.monthly_token_budget,
    conversationTokenBudget:
      input.conversation_token_budget === undefined
        ? current.conversationTokenBudget
        : input.conversation_token_budget,
    timeoutMs: input.timeout_ms ?? current.timeoutMs,
    redactPii: input.redact_pii ?? current.redactPii,
    classifyOnArrival: input.classify_on_arrival ?? current.classifyOnArrival,
    updatedAt: now,
  };
  const [row] = await db
    .insert(aiSettings)
    .values({ workspaceId, ...values })
    .onConflictDoUpdate({ target: aiSettings.workspaceId, set: values })
    .returning();
  if (!row) throw new Error("upsert returned no row");
  if (row.embeddingModel !== current.embeddingModel) await reembedWorkspace(db, workspaceId, now);
  return row;
}
