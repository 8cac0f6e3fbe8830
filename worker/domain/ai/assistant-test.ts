import type { z } from "@hono/zod-openapi";
import { systemClock } from "../../lib/clock";
import type { Db } from "../../lib/context";
import type { AssistantTestRequest } from "../../schemas/assistants";
import { listContactFields } from "../contacts/fields";
import { searchKnowledge } from "../knowledge/search";
import { chatTurns, citationsOf, PASSAGES } from "./assistant-prompt";
import { decide } from "./assistant-turn";
import type { AssistantRow } from "./assistants";

type Made = z.infer<typeof AssistantTestRequest>["messages"];

/** The made-up conversation as the thread the assistant reads. */
const asThread = (messages: Made) =>
  messages.map((m) => ({
    kind: "text" as const,
    sender: { type: m.role === "customer" ? ("visitor" as const) : ("bot" as const) },
    text: m.text,
  }));

/** The assistant's decision on a made-up conversation, with no contact and nothing stored. */
export async function assistantTest(db: Db, env: Env, assistant: AssistantRow, messages: Made) {
  const question = messages
    .filter((m) => m.role === "customer")
    .slice(-3)
    .map((m) => m.text)
    .join("\n");
  const [hits, fields] = await Promise.all([
    searchKnowledge(db, assistant.workspaceId, question, PASSAGES, { env, clock: systemClock }),
    listContactFields(db, assistant.workspaceId),
  ]);
  const decision = await decide(db, env, {
    assistant,
    conversationId: null,
    turns: chatTurns(asThread(messages)),
    hits,
    contact: null,
    fields,
  });
  return { ...decision, citations: citationsOf(decision.citations, hits) };
}
