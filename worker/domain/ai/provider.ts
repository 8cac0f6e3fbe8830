import OpenAI, { APIConnectionTimeoutError, APIError, OpenAIError } from "openai";
import type { Stream } from "openai/core/streaming";
import { zodResponseFormat } from "openai/helpers/zod";
import type {
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
  ChatCompletionToolChoiceOption,
} from "openai/resources/chat/completions";
import type { z } from "zod";
import type { AiCallOutcome } from "../../db/schema";
import { Problem } from "../../lib/errors";
import { excerpt, fetchTarget, TargetRefused } from "../../lib/targets";
import { type AiCall, CallLog, recordTokens, type Usage } from "./call-log";
import { type AiSettingsRow, aiApiKey, aiSettingsRow } from "./settings";
import { exhaustedBudget } from "./usage";

export type AiUnavailableReason =
  | "not_configured"
  | "budget_exhausted"
  | "timeout"
  | "provider_error";

/**
 * The one failure every AI call ends in when no answer can be had, so a feature can hand the
 * conversation to a human with `message` as the reason.
 */
export class AiUnavailable extends Problem {
  constructor(
    readonly reason: AiUnavailableReason,
    message: string,
  ) {
    super(503, "ai-unavailable", "AI unavailable", message, { reason });
    this.name = "AiUnavailable";
  }
}

/** One retry for a dropped connection or a 429 / 5xx; a person waits on most answers. */
const MAX_RETRIES = 1;

type Provider = { client: OpenAI; settings: AiSettingsRow };

/**
 * The workspace's client, when AI is on and within budget; otherwise AiUnavailable. A chat
 * completion's `messages` go to the call log when a budget stops them.
 */
async function provider(
  call: AiCall,
  model: (s: AiSettingsRow) => string,
  messages?: ChatCompletionMessageParam[],
): Promise<Provider> {
  const settings = await aiSettingsRow(call.db, call.workspaceId);
  const apiKey = await aiApiKey(call.env, settings);
  if (!settings.enabled || !apiKey || !model(settings))
    throw new AiUnavailable("not_configured", "AI is not set up for this workspace.");
  const exhausted = await exhaustedBudget(
    call.db,
    settings,
    call.conversationId ?? null,
    call.clock.now(),
  );
  if (exhausted) {
    const refused = new AiUnavailable("budget_exhausted", `AI budget reached: ${exhausted}.`);
    if (messages) await new CallLog(call, settings, messages).failed(outcomeOf(refused));
    throw refused;
  }
  const client = new OpenAI({
    apiKey,
    baseURL: settings.baseUrl,
    timeout: settings.timeoutMs,
    maxRetries: MAX_RETRIES,
    // every call goes through the outbound URL guard, like any user-chosen address
    fetch: (input, init) =>
      fetchTarget(call.env, input instanceof Request ? input.url : String(input), init),
  });
  return { client, settings };
}

const unfit = () =>
  new AiUnavailable("provider_error", "The AI provider's answer did not fit the expected form.");

/** Any failure of the provider as AiUnavailable; other errors are Conversa's own and pass. */
function unavailable(error: unknown): unknown {
  if (error instanceof AiUnavailable) return error;
  if (error instanceof APIConnectionTimeoutError)
    return new AiUnavailable("timeout", "The AI provider did not answer in time.");
  // the SDK wraps what its fetch throws: the guard's refusal comes as the cause
  const refused =
    error instanceof APIError && error.cause instanceof TargetRefused ? error.cause : error;
  if (refused instanceof TargetRefused)
    return new AiUnavailable("provider_error", `The AI provider's address ${refused.message}.`);
  if (error instanceof APIError) {
    const said = excerpt(String(error.message ?? "")).replace(/^\d{3}\s+/, "");
    return new AiUnavailable(
      "provider_error",
      error.status
        ? `The AI provider answered ${error.status}: ${said}`
        : `The AI provider could not be reached: ${said}`,
    );
  }
  if (error instanceof OpenAIError || error instanceof SyntaxError)
    return new AiUnavailable(
      "provider_error",
      `The AI provider's answer was unusable: ${excerpt(error.message)}`,
    );
  return error;
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw unavailable(error);
  }
}

/** What a failure of the provider is in the call log; not set up is not a call. */
const OUTCOMES: Record<AiUnavailableReason, AiCallOutcome | null> = {
  not_configured: null,
  budget_exhausted: "budget",
  timeout: "timeout",
  provider_error: "provider_error",
};

/** Conversa's own errors are not the provider's: they are not logged as its failures. */
const outcomeOf = (error: unknown) =>
  error instanceof AiUnavailable ? OUTCOMES[error.reason] : null;

/** Runs a chat completion through `guarded` and stores it in the call log, whatever came. */
async function logged<T>(log: CallLog, work: () => Promise<T>): Promise<T> {
  try {
    const result = await guarded(work);
    await log.succeeded();
    return result;
  } catch (error) {
    await log.failed(outcomeOf(error));
    throw error;
  }
}

/** The answer as the log keeps it: the text (or structured JSON), then any tool calls. */
function answerOf(message: OpenAI.Chat.ChatCompletionMessage | undefined): string | null {
  const calls = toolCallsOf(message?.tool_calls).map(({ name, arguments: args }) => ({
    name,
    arguments: args,
  }));
  const parts = [message?.content ?? null, calls.length ? JSON.stringify(calls) : null];
  const present = parts.filter((part): part is string => Boolean(part));
  return present.length ? present.join("\n") : null;
}

export type CompleteRequest<T extends z.ZodType = z.ZodType> = {
  messages: ChatCompletionMessageParam[];
  /** Structured output: the answer must fit this schema, and comes back parsed. */
  output?: { name: string; schema: T };
  tools?: ChatCompletionFunctionTool[];
  toolChoice?: ChatCompletionToolChoiceOption;
  maxTokens?: number;
};

export type ToolCall = { id: string; name: string; arguments: unknown };

export type Completion<T> = {
  text: string | null;
  /** The structured output, when `output` was asked for. */
  output: T | null;
  toolCalls: ToolCall[];
};

function toolCallsOf(calls: OpenAI.Chat.ChatCompletionMessageToolCall[] | undefined): ToolCall[] {
  return (calls ?? []).flatMap((call) =>
    call.type === "function"
      ? [
          {
            id: call.id,
            name: call.function.name,
            arguments: JSON.parse(call.function.arguments || "{}"),
          },
        ]
      : [],
  );
}

/** One chat completion: text, a structured output checked against its zod schema, or tool calls. */
export async function complete<T extends z.ZodType>(
  call: AiCall,
  request: CompleteRequest<T>,
): Promise<Completion<z.infer<T>>> {
  const { client, settings } = await provider(call, (s) => s.model, request.messages);
  const log = new CallLog(call, settings, request.messages);
  return logged(log, async () => {
    const body = {
      model: settings.model,
      messages: request.messages,
      ...(request.tools?.length ? { tools: request.tools } : {}),
      ...(request.toolChoice ? { tool_choice: request.toolChoice } : {}),
      ...(request.maxTokens ? { max_completion_tokens: request.maxTokens } : {}),
    };
    if (request.output) {
      const answer = await client.chat.completions.parse({
        ...body,
        response_format: zodResponseFormat(request.output.schema, request.output.name),
      });
      const message = answer.choices[0]?.message;
      log.answer = answerOf(message);
      await log.counted(answer.usage);
      const output = request.output.schema.safeParse(message?.parsed);
      if (!output.success && !message?.tool_calls?.length) throw unfit();
      return {
        text: message?.content ?? null,
        output: output.success ? output.data : null,
        toolCalls: toolCallsOf(message?.tool_calls),
      };
    }
    const answer = await client.chat.completions.create(body);
    const message = answer.choices[0]?.message;
    log.answer = answerOf(message);
    await log.counted(answer.usage);
    return {
      text: message?.content ?? null,
      output: null,
      toolCalls: toolCallsOf(message?.tool_calls),
    };
  });
}

/** Words in a text, a stand-in for tokens when a provider streams without a usage chunk. */
const roughTokens = (text: string) => Math.ceil(text.length / 4);

/**
 * The stream's items, each within `ms` of the one before: the SDK's timeout ends when the
 * answer starts, and a provider that stops mid-way would otherwise leave the customer waiting.
 */
async function* withIdleTimeout<T>(stream: Stream<T>, ms: number): AsyncGenerator<T> {
  const items = stream[Symbol.asyncIterator]();
  for (;;) {
    const next = items.next();
    next.catch(() => {}); // after a stall it fails with the abort, which nobody awaits
    let timer: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<"stalled">((resolve) => {
      timer = setTimeout(() => resolve("stalled"), ms);
    });
    const first = await Promise.race([next, stalled]).finally(() => clearTimeout(timer));
    if (first === "stalled") {
      stream.controller.abort();
      throw new AiUnavailable("timeout", "The AI provider stopped answering mid-way.");
    }
    if (first.done) return;
    yield first.value;
  }
}

type StreamRequest = Pick<CompleteRequest, "messages" | "maxTokens"> & {
  responseFormat?: ReturnType<typeof zodResponseFormat>;
  /** Whether the whole answer is usable: one that is not is logged as a provider error. */
  fits?: (text: string) => boolean;
};

/** A chat completion streamed: yields the text as it comes; usage is recorded at the end. */
export async function* completeStream(
  call: AiCall,
  request: StreamRequest,
): AsyncGenerator<string> {
  const { client, settings } = await provider(call, (s) => s.model, request.messages);
  const log = new CallLog(call, settings, request.messages);
  const stream = await guarded(() =>
    client.chat.completions.create({
      model: settings.model,
      messages: request.messages,
      stream: true,
      stream_options: { include_usage: true },
      ...(request.maxTokens ? { max_completion_tokens: request.maxTokens } : {}),
      ...(request.responseFormat ? { response_format: request.responseFormat } : {}),
    }),
  ).catch(async (error: unknown) => {
    await log.failed(outcomeOf(error));
    throw error;
  });
  let usage: Usage = null;
  let text = "";
  let failure: unknown = null;
  try {
    for await (const chunk of withIdleTimeout(stream, settings.timeoutMs)) {
      if (chunk.usage) usage = chunk.usage;
      const delta = chunk.choices[0]?.delta?.content;
      if (delta) {
        text += delta;
        yield delta;
      }
    }
  } catch (error) {
    failure = unavailable(error);
    throw failure;
  } finally {
    const prompt = JSON.stringify(request.messages);
    await log.counted(
      usage ?? { prompt_tokens: roughTokens(prompt), completion_tokens: roughTokens(text) },
    );
    log.answer = text || null;
    if (!failure && request.fits && !request.fits(text)) failure = unfit();
    await (failure ? log.failed(outcomeOf(failure)) : log.succeeded());
  }
}

/**
 * A structured output streamed: `onText` sees the JSON so far as it comes (to show a reply while
 * it is written); the whole answer is then checked against the schema.
 */
export async function completeStructured<T extends z.ZodType>(
  call: AiCall,
  request: Pick<CompleteRequest<T>, "messages" | "maxTokens"> & {
    output: { name: string; schema: T };
  },
  onText: (soFar: string) => Promise<void>,
): Promise<z.infer<T>> {
  const responseFormat = zodResponseFormat(request.output.schema, request.output.name);
  const parse = (text: string) => request.output.schema.safeParse(parsedJson(text));
  const fits = (answer: string) => parse(answer).success;
  let text = "";
  for await (const delta of completeStream(call, { ...request, responseFormat, fits })) {
    text += delta;
    await onText(text);
  }
  const output = parse(text);
  if (!output.success) throw unfit();
  return output.data;
}

/** The text as JSON, or null when it is not (then it fits no schema). */
function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Embeddings for the texts, in their order, with the workspace's embedding model. */
export async function embed(
  call: AiCall,
  texts: string[],
  options: { dimensions?: number } = {},
): Promise<number[][]> {
  if (texts.length === 0) return [];
  const { client, settings } = await provider(call, (s) => s.embeddingModel);
  return guarded(async () => {
    const answer = await client.embeddings.create({
      model: settings.embeddingModel,
      input: texts,
      ...(options.dimensions ? { dimensions: options.dimensions } : {}),
    });
    await recordTokens(call, settings.embeddingModel, {
      prompt_tokens: answer.usage?.prompt_tokens ?? 0,
    });
    return [...answer.data]
      .sort((a, b) => a.index - b.index)
      .map((item) => Array.from(item.embedding));
  });
}
