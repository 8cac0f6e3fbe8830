// The fake OpenAI API's answers to the automations' AI step, chosen by the json_schema's name
// (see the rules in openai.mjs's header). Deterministic, so tests and the offline demo can tell
// what the step did with a customer's message:
// - automation_classification: the first category sharing a word (3 letters or more) with the
//   message, confidence 0.9; none does → the first category, confidence 0.2.
// - automation_extraction: each field is the text after "<its key's words> is" (or ":"), up to
//   a comma, semicolon, " and ", or the end of a sentence; null when the message has none.
// - automation_answer: the most relevant knowledge line as the answer, found when one shares a
//   word and the customer did not ask for a human, cited by its number.

const meaningful = (words, text) => words(text).filter((w) => [...w].length >= 3);
const escaped = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function classification(schema, question, { words }) {
  const categories = schema?.properties?.category?.enum ?? [];
  const asked = new Set(words(question));
  const match = categories.find((c) => meaningful(words, c).some((w) => asked.has(w)));
  return { category: match ?? categories[0] ?? "", confidence: match ? 0.9 : 0.2 };
}

function extraction(schema, question) {
  return Object.fromEntries(
    Object.keys(schema?.properties ?? {}).map((key) => {
      const phrase = key.split("_").map(escaped).join("[\\s_-]+");
      const found = question.match(
        new RegExp(
          `(?:^|[^\\p{L}\\p{N}])${phrase}\\s*(?:is|:|=)\\s*(.+?)(?=[,;\\n]|\\s+and\\s|[.!?](?:\\s|$)|$)`,
          "iu",
        ),
      );
      return [key, found?.[1]?.trim() || null];
    }),
  );
}

function answer(decision) {
  const found = decision.action === "continue";
  return {
    found,
    answer: found ? decision.reply : "",
    citations: found ? decision.citations : [],
  };
}

/** The answer for an automation schema, or null for any other. */
export function automationAnswer(name, schema, question, decision, helpers) {
  if (name === "automation_classification") return classification(schema, question, helpers);
  if (name === "automation_extraction") return extraction(schema, question);
  if (name === "automation_answer") return answer(decision);
  return null;
}
