// The fake OpenAI API's answers to the agent copilot's structured outputs, chosen by the
// json_schema's name (see the rules in openai.mjs's header). Deterministic, so tests and the
// offline demo can tell what the copilot did with a text.

/** A suggested reply when no knowledge line shares a word with the customer's message. */
export const SUGGESTION_FALLBACK = "Thanks for your message! Let me check that for you.";

/** A few common words per language; the language with the most of them in a text wins. */
const LANGUAGE_WORDS = {
  es: ["hola", "gracias", "quiero", "pedido", "dónde", "necesito", "por", "favor", "mi", "el"],
  "pt-BR": ["olá", "obrigado", "obrigada", "você", "não", "meu", "preciso", "quero", "cadê"],
  fr: ["bonjour", "merci", "je", "vous", "où", "est", "ma", "mon", "commande", "besoin"],
  tr: ["merhaba", "teşekkürler", "sipariş", "nerede", "lütfen", "bir", "için", "ve"],
};

const lower = (text) =>
  String(text ?? "")
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu) ?? [];

/** The language of a text: Arabic script is ar; else the most common-word hits; else en. */
export function detectLanguage(text) {
  if (/\p{Script=Arabic}/u.test(String(text))) return "ar";
  const said = lower(text);
  let best = { language: "en", hits: 0 };
  for (const [language, common] of Object.entries(LANGUAGE_WORDS)) {
    const hits = said.filter((w) => common.includes(w)).length;
    if (hits > best.hits) best = { language, hits };
  }
  return best.language;
}

const sentences = (text) => text.trim().split(/(?<=[.!?])\s+/);

const REWRITES = {
  /** the first sentence, cut to the first half of its words */
  shorter: (text) => {
    const first = sentences(text)[0] ?? "";
    const parts = first.replace(/[.!?]+$/, "").split(/\s+/);
    return `${parts.slice(0, Math.ceil(parts.length / 2)).join(" ")}.`;
  },
  friendlier: (text) => `Hi there! ${text.trim()} Thanks so much for reaching out!`,
  formal: (text) => `Dear customer, ${text.trim()} Kind regards.`,
  /** spaces collapsed, "i" capitalised, the first letter capitalised, a full stop at the end */
  fix: (text) => {
    const tidy = text.trim().replace(/\s+/g, " ").replace(/\bi\b/g, "I");
    const capital = tidy.charAt(0).toUpperCase() + tidy.slice(1);
    return /[.!?]$/.test(capital) ? capital : `${capital}.`;
  },
};

const systemLines = (messages, textOf) =>
  messages
    .filter((m) => m.role === "system" || m.role === "developer")
    .flatMap((m) => textOf(m).split("\n"));

/** The value after `Label:` on a system line, if one says it. */
const setting = (lines, label) =>
  lines
    .find((line) => line.startsWith(`${label}:`))
    ?.slice(label.length + 1)
    .trim() ?? null;

/** The target of a translation: a tag, or the language of the customer's words quoted after it. */
function targetLanguage(lines) {
  const target = setting(lines, "Target language") ?? "en";
  const quoted = target.match(/written in:\s*(.*)$/);
  return quoted ? detectLanguage(quoted[1]) : target;
}

/**
 * The structured answer for a copilot schema, or null for any other schema.
 * - copilot_reply: `text` is the line after a system "Knowledge:" line most relevant to the last
 *   user message, or SUGGESTION_FALLBACK when none shares a word (or there is no such line).
 * - copilot_summary: `summary` is "Summary: " and the first and last lines of the last user
 *   message (the transcript), joined by " … ".
 * - copilot_translation: `text` is "[<to>] " and the last user message; `from` is its detected
 *   language (detectLanguage); `to` is the system's "Target language: <tag>" (or the language of
 *   the customer message quoted there).
 * - copilot_rewrite: `text` is the last user message rewritten by the system's "Tone: <tone>"
 *   (REWRITES).
 */
export function copilotAnswer(name, messages, { textOf, mostRelevant }) {
  const lastUser = [...messages].reverse().find((m) => m.role === "user");
  const text = textOf(lastUser);
  const lines = systemLines(messages, textOf);
  if (name === "copilot_reply") {
    const marker = lines.findIndex((line) => /^knowledge:/i.test(line.trim()));
    const knowledge = marker >= 0 ? lines.slice(marker + 1) : [];
    return { text: mostRelevant(knowledge, text).line ?? SUGGESTION_FALLBACK };
  }
  if (name === "copilot_summary") {
    const said = text.split("\n").filter((line) => line.trim());
    const ends = said.length > 1 ? [said[0], said.at(-1)] : said;
    return { summary: `Summary: ${ends.join(" … ")}` };
  }
  if (name === "copilot_translation") {
    const to = targetLanguage(lines);
    return { text: `[${to}] ${text}`, from: detectLanguage(text), to };
  }
  if (name === "copilot_rewrite") {
    const tone = (setting(lines, "Tone") ?? "fix").replace(/\..*$/, "");
    return { text: (REWRITES[tone] ?? REWRITES.fix)(text) };
  }
  return null;
}
