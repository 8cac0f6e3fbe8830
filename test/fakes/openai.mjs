// A local OpenAI-compatible API, served by the fake platforms server under `/openai/v1/` (and under
// `/openai/<label>/v1/`, so a test can keep its scripted answers to itself). It speaks the real
// wire format of `POST /chat/completions` (plain, `stream: true` as server-sent events, tools,
// `response_format` json_schema), `POST /embeddings` (floats or base64) and `GET /models`, and
// wants an `Authorization: Bearer …` header like the real one.
//
// Its answers are deterministic, so features work offline without scripts:
// - Words are runs of letters and digits, lower-cased; "tokens" are counted as words.
// - The knowledge is the system (or developer) messages' lines after the first line that says
//   "knowledge" (all their lines when none does). The most relevant line to the last user
//   message is the one sharing the most words of 3 letters or more with it (the first on a tie).
// - The customer asks for a human when the last user message has one of HUMAN_WORDS.
// - With `response_format: {type: "json_schema"}` the content is a JSON object fitting the schema:
//   `reply` is the most relevant line; `action` is "handoff" when the customer asks for a human or
//   no line shares a word, otherwise "continue"; `reason` says which; other fields get their
//   schema's first enum value, null when nullable, else "", 0, false or []; an array of enum
//   strings gets the values all of whose words are in the last user message (labels to pick).
//   A knowledge line numbered "[n] …" is quoted without its number, and `citations` is [n].
// - Schemas named copilot_reply, copilot_summary, copilot_translation and copilot_rewrite get the
//   agent copilot's answers (openai-copilot.mjs): the best knowledge line as a reply draft, a
//   "Summary: …" of the transcript, "[<to>] <text>" with the detected language as a translation,
//   and a rewrite per tone (shorter: the first half of the first sentence; friendlier: "Hi
//   there! …"; formal: "Dear customer, …"; fix: tidied spaces, capitals and full stop).
// - Schemas named automation_classification, automation_extraction and automation_answer get
//   the automations' AI step answers (openai-automation.mjs).
// - With `tools`, a user message last, and `tool_choice` not "none": the forced tool, or else the
//   first tool one of whose name's words is in the user message, is called with arguments built
//   the same way; no such tool → a text answer.
// - Otherwise the content is the most relevant line, or NO_ANSWER when nothing overlaps.
// - Embeddings: a hashed bag of words (each word adds ±1 to one of `dimensions` slots, 256 by
//   default), L2-normalised, so texts sharing words get close vectors.
import { createHash } from "node:crypto";
import { automationAnswer } from "./openai-automation.mjs";
import { copilotAnswer } from "./openai-copilot.mjs";

export const HUMAN_WORDS = [
  "human",
  "person",
  "agent",
  "operator",
  "humano",
  "humana",
  "atendente",
  "pessoa",
  "persona",
  "agente",
  "humain",
  "conseiller",
  "insan",
  "temsilci",
  "موظف",
  "إنسان",
];
export const NO_ANSWER = "I could not find that in what I know.";
const DEFAULT_DIMENSIONS = 256;
const MODELS = ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"];

export const words = (text) =>
  String(text ?? "")
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu) ?? [];
const meaningful = (text) => new Set(words(text).filter((w) => [...w].length >= 3));

/** A message's text, whether its content is a string or a list of parts. */
const textOf = (message) =>
  typeof message?.content === "string"
    ? message.content
    : Array.isArray(message?.content)
      ? message.content.map((part) => part.text ?? "").join("\n")
      : "";

function knowledgeLines(messages) {
  const lines = messages
    .filter((m) => m.role === "system" || m.role === "developer")
    .flatMap((m) => textOf(m).split("\n"))
    .map((line) => line.trim())
    .filter(Boolean);
  const marker = lines.findIndex((line) => /knowledge/i.test(line));
  return marker >= 0 ? lines.slice(marker + 1) : lines;
}

/** The line sharing the most words with the question, and how many it shares. */
export function mostRelevant(lines, question) {
  const asked = meaningful(question);
  let best = { line: null, shared: 0 };
  for (const line of lines) {
    const shared = [...meaningful(line)].filter((w) => asked.has(w)).length;
    if (shared > best.shared) best = { line, shared };
  }
  return best;
}

function decide(messages) {
  const lastUser = [...messages].reverse().find((m) => m.role === "user");
  const question = textOf(lastUser);
  const best = mostRelevant(knowledgeLines(messages), question);
  const asksForHuman = words(question).some((w) => HUMAN_WORDS.includes(w));
  const action = asksForHuman || !best.line ? "handoff" : "continue";
  const reason = asksForHuman
    ? "the customer asked for a human"
    : best.line
      ? `the knowledge shares ${best.shared} words with the question`
      : "nothing in the knowledge matches the question";
  // a passage numbered "[n] …" is quoted without its number, and cited by it
  const numbered = best.line?.match(/^\[(\d+)\]\s*(.*)$/);
  return {
    reply: numbered ? numbered[2] : (best.line ?? NO_ANSWER),
    action,
    reason,
    citations: numbered ? [Number(numbered[1])] : [],
    asked: new Set(words(question)),
  };
}

function resolveRef(schema, root) {
  if (!schema?.$ref) return schema;
  const path = schema.$ref.replace(/^#\//, "").split("/");
  return resolveRef(
    path.reduce((node, key) => node?.[decodeURIComponent(key)], root),
    root,
  );
}

/** A value fitting the JSON schema, filled from the decision where the field names match. */
function fill(schema, decision, root = schema, name = "") {
  const node = resolveRef(schema, root) ?? {};
  const options = node.anyOf ?? node.oneOf;
  const known = typeof decision[name] === "string";
  if (options) {
    const choices = options.map((o) => resolveRef(o, root));
    const fitting = choices.find((o) => o.type !== "null");
    const nullable = choices.some((o) => o.type === "null");
    return fitting && (known || !nullable) ? fill(fitting, decision, root, name) : null;
  }
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (types.includes("null") && !known) return null;
  if (node.enum) return node.enum.includes(decision[name]) ? decision[name] : node.enum[0];
  if (node.const !== undefined) return node.const;
  if (types.includes("object") || node.properties) {
    return Object.fromEntries(
      Object.entries(node.properties ?? {}).map(([key, child]) => [
        key,
        fill(child, decision, root, key),
      ]),
    );
  }
  if (types.includes("string")) return typeof decision[name] === "string" ? decision[name] : "";
  if (types.includes("array")) {
    if (Array.isArray(decision[name])) return decision[name];
    const items = resolveRef(node.items, root);
    const asked = decision.asked ?? new Set();
    return Array.isArray(items?.enum)
      ? items.enum.filter((value) => words(value).every((w) => asked.has(w)))
      : [];
  }
  if (types.includes("integer") || types.includes("number")) return 0;
  if (types.includes("boolean")) return false;
  return null;
}

function toolToCall(body, question) {
  const tools = (body.tools ?? []).filter((t) => t.type === "function");
  if (!tools.length || body.tool_choice === "none") return null;
  const forced = body.tool_choice?.function?.name;
  if (forced) return tools.find((t) => t.function.name === forced) ?? null;
  const asked = new Set(words(question));
  return (
    tools.find((t) => t.function.name.split(/[_\W]+/).some((w) => asked.has(w.toLowerCase()))) ??
    null
  );
}

const countWords = (messages) =>
  messages.reduce(
    (n, m) => n + words(textOf(m)).length + words(m.tool_calls?.[0]?.function?.arguments).length,
    0,
  );

/** The assistant message the default rules give: {content, tool_calls}. */
function answerMessage(body) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const decision = decide(messages);
  const last = messages.at(-1);
  const format = body.response_format;
  if (format?.type === "json_schema") {
    const { name, schema } = format.json_schema ?? {};
    const question = textOf(messages.findLast((m) => m.role === "user"));
    const named =
      copilotAnswer(name, messages, { textOf, mostRelevant }) ??
      automationAnswer(name, schema, question, decision, { words });
    return { content: JSON.stringify(named ?? fill(schema ?? {}, decision)) };
  }
  if (format?.type === "json_object") {
    const { asked: _, ...said } = decision;
    return { content: JSON.stringify(said) };
  }
  const tool = last?.role === "user" ? toolToCall(body, textOf(last)) : null;
  if (tool) {
    const args = fill(tool.function.parameters ?? {}, decision);
    return {
      content: null,
      tool_calls: [
        {
          id: `call_${createHash("sha1").update(JSON.stringify(args)).digest("hex").slice(0, 24)}`,
          type: "function",
          function: { name: tool.function.name, arguments: JSON.stringify(args) },
        },
      ],
    };
  }
  if (last?.role === "tool") {
    const best = mostRelevant(
      textOf(last).split("\n"),
      textOf(messages.findLast((m) => m.role === "user")),
    );
    return { content: best.line ?? textOf(last) };
  }
  return { content: decision.reply };
}

let counter = 0;
const completionId = () => `chatcmpl-fake${Date.now().toString(36)}${(counter++).toString(36)}`;

function chatCompletion(body) {
  const message = answerMessage(body);
  const prompt = countWords(body.messages ?? []);
  const completion = words(message.content ?? message.tool_calls?.[0].function.arguments).length;
  const usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
  const base = {
    id: completionId(),
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    system_fingerprint: "fp_conversa_fake",
  };
  const finish = message.tool_calls ? "tool_calls" : "stop";
  if (!body.stream) {
    return [
      200,
      {
        ...base,
        object: "chat.completion",
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              refusal: null,
              ...message,
              content: message.content ?? null,
            },
            logprobs: null,
            finish_reason: finish,
          },
        ],
        usage,
      },
    ];
  }
  const chunk = (delta, finish_reason = null, extra = {}) => ({
    ...base,
    object: "chat.completion.chunk",
    choices: [{ index: 0, delta, logprobs: null, finish_reason }],
    ...extra,
  });
  const chunks = [chunk({ role: "assistant", content: "" })];
  if (message.tool_calls) {
    const [call] = message.tool_calls;
    chunks.push(
      chunk({
        tool_calls: [
          {
            index: 0,
            id: call.id,
            type: "function",
            function: { name: call.function.name, arguments: "" },
          },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: call.function.arguments } }] }),
    );
  } else {
    // a word (with the space before it) per chunk
    for (const piece of message.content.match(/\s*\S+/g) ?? [])
      chunks.push(chunk({ content: piece }));
  }
  chunks.push(chunk({}, finish));
  if (body.stream_options?.include_usage)
    chunks.push({ ...base, object: "chat.completion.chunk", choices: [], usage });
  const events = [...chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), "data: [DONE]\n\n"].join(
    "",
  );
  return [
    200,
    events,
    { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" },
  ];
}

/** A hashed bag of words, L2-normalised. */
export function embedding(text, dimensions = DEFAULT_DIMENSIONS) {
  const vector = new Array(dimensions).fill(0);
  for (const word of words(text)) {
    const hash = createHash("sha256").update(word).digest();
    vector[hash.readUInt32LE(0) % dimensions] += hash[4] & 1 ? 1 : -1;
  }
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((v) => v / norm);
}

const base64Floats = (vector) => Buffer.from(new Float32Array(vector).buffer).toString("base64");

function embeddings(body) {
  const inputs = (Array.isArray(body.input) ? body.input : [body.input]).map((input) =>
    Array.isArray(input) ? input.join(" ") : String(input ?? ""),
  );
  const dimensions = body.dimensions ?? DEFAULT_DIMENSIONS;
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 4096)
    return invalid(`Invalid 'dimensions': ${dimensions}.`, "dimensions");
  const tokens = inputs.reduce((n, input) => n + words(input).length, 0);
  return [
    200,
    {
      object: "list",
      data: inputs.map((input, index) => {
        const vector = embedding(input, dimensions);
        return {
          object: "embedding",
          index,
          embedding: body.encoding_format === "base64" ? base64Floats(vector) : vector,
        };
      }),
      model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    },
  ];
}

const invalid = (message, param = null, status = 400, code = null) => [
  status,
  { error: { message, type: "invalid_request_error", param, code } },
];

const PATH = /^\/openai(?:\/[\w.-]+)?\/v1(\/.*)$/;

/** The answer to an OpenAI API request, or null when the path is not under `/openai/…/v1/`. */
export function openaiAnswer(method, path, rawBody, headers) {
  const match = path.match(PATH);
  if (!match) return null;
  if (!/^Bearer \S+/.test(headers.authorization ?? ""))
    return invalid("You didn't provide an API key.", null, 401, "invalid_api_key");
  const route = `${method} ${match[1]}`;
  if (route === "GET /models")
    return [
      200,
      {
        object: "list",
        data: MODELS.map((id) => ({
          id,
          object: "model",
          created: 1700000000,
          owned_by: "conversa-fake",
        })),
      },
    ];
  let body;
  try {
    body = JSON.parse(rawBody || "{}");
  } catch {
    return invalid("We could not parse the JSON body of your request.");
  }
  if (route === "POST /chat/completions") {
    if (!body.model) return invalid("you must provide a model parameter", "model");
    if (!Array.isArray(body.messages) || !body.messages.length)
      return invalid("'messages' must be a non-empty array", "messages");
    return chatCompletion(body);
  }
  if (route === "POST /embeddings") {
    if (!body.model) return invalid("you must provide a model parameter", "model");
    return embeddings(body);
  }
  return invalid(`Unknown request URL: ${method} ${match[1]}.`, null, 404, "unknown_url");
}
