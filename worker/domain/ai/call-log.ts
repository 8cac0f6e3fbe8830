import type { ChatCompletionMessageParam } from "openai/resources/chat/completions";
import type { AiCallOutcome, AiFeature } from "../../db/schema";
import type { Clock } from "../../lib/clock";
import type { Db } from "../../lib/context";
import { storeCall } from "./calls";
import type { AiSettingsRow } from "./settings";
import { recordUsage } from "./usage";

/** Who is calling the provider, for what: budgets are checked and usage recorded against it. */
export type AiCall = {
  db: Db;
  env: Env;
  clock: Clock;
  workspaceId: string;
  feature: AiFeature;
  conversationId?: string | null;
};

/** Tokens as the provider counts them. */
export type Usage = { prompt_tokens: number; completion_tokens?: number } | null | undefined;

/** Records a call's tokens for reports and budgets; answers the usage row's id. */
export function recordTokens(call: AiCall, model: string, usage: Usage): Promise<string> {
  return recordUsage(
    call.db,
    call.workspaceId,
    {
      conversationId: call.conversationId ?? null,
      feature: call.feature,
      model,
      promptTokens: usage?.prompt_tokens ?? 0,
      completionTokens: usage?.completion_tokens ?? 0,
    },
    call.clock.now(),
  );
}

/** One chat completion on its way to the call log, filled in as the answer comes. */
export class CallLog {
  private readonly started = Date.now();
  answer: string | null = null;
  private usage: Usage = null;
  private usageId: string | null = null;

  constructor(
    private readonly call: AiCall,
    private readonly settings: AiSettingsRow,
    private readonly messages: ChatCompletionMessageParam[],
  ) {}

  /** Records the tokens (for reports and budgets) and keeps them for the log. */
  async counted(usage: Usage) {
    this.usage = usage;
    this.usageId = await recordTokens(this.call, this.settings.model, usage);
  }

  succeeded() {
    return this.store("ok");
  }

  /** Stores a call the provider failed; nothing when the failure was not the provider's (null). */
  async failed(outcome: AiCallOutcome | null) {
    if (outcome) await this.store(outcome);
  }

  private async store(outcome: AiCallOutcome) {
    const { call, settings } = this;
    try {
      await storeCall(
        call.db,
        {
          workspaceId: call.workspaceId,
          conversationId: call.conversationId ?? null,
          feature: call.feature,
          model: settings.model,
          messages: this.messages,
          answer: this.answer,
          usageId: this.usageId,
          promptTokens: this.usage?.prompt_tokens ?? 0,
          completionTokens: this.usage?.completion_tokens ?? 0,
          durationMs: Date.now() - this.started,
          outcome,
          redact: settings.redactPii,
        },
        call.clock.now(),
      );
    } catch (error) {
      // the log is for looking back: a call that was answered is not failed for it
      console.error("storing an AI call failed", error);
    }
  }
}
