import { type AssistantActivityKind, aiAssistantActivity, type HandoffBy } from "../../db/schema";
import type { Db } from "../../lib/context";
import { newId } from "../../lib/ids";
import type { ConversationRef } from "../messaging/projection";

/** One thing the assistant did in a conversation, as the AI report counts it. */
export const activityRow = (
  db: Db,
  ref: ConversationRef,
  entry: { kind: AssistantActivityKind; assistantId: string | null; by?: HandoffBy },
  now: number,
) =>
  db.insert(aiAssistantActivity).values({
    id: newId("aia", now),
    workspaceId: ref.workspaceId,
    conversationId: ref.conversationId,
    assistantId: entry.assistantId,
    kind: entry.kind,
    by: entry.by ?? null,
    at: now,
  });
