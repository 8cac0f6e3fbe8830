import { and, eq, isNull } from "drizzle-orm";
import { type channels, conversations, teams } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { hoursFor } from "../routing/business-hours";
import { isOpen } from "../routing/hours";
import { hasKeyword } from "./assistant-prompt";
import { type AssistantRow, assistantForChannel } from "./assistants";
import { aiSettingsRow } from "./settings";

type ConversationRow = typeof conversations.$inferSelect;
type ChannelRow = typeof channels.$inferSelect;

/** Whether the team the assistant hands over to is closed now (its hours, the channel's, the workspace's). */
async function outOfHours(db: Db, assistant: AssistantRow, channel: ChannelRow, now: number) {
  const teamId = assistant.teamId ?? channel.routing?.team_id ?? null;
  const team = teamId
    ? await db.query.teams.findFirst({
        where: inWorkspace(teams, assistant.workspaceId, eq(teams.id, teamId)),
      })
    : null;
  const hours = await hoursFor(db, assistant.workspaceId, team, channel);
  return hours !== null && !isOpen(hours, now);
}

/** Whether the assistant starts on this first message: always, on a keyword, or out of hours. */
async function activates(
  db: Db,
  assistant: AssistantRow,
  channel: ChannelRow,
  text: string,
  now: number,
) {
  if (assistant.activation === "keyword") return hasKeyword(text, assistant.keywords);
  if (assistant.activation === "out_of_hours") return outOfHours(db, assistant, channel, now);
  return true;
}

/**
 * Whether the AI assistant has the conversation, so routing waits: it does while it is talking
 * with the customer; a new conversation becomes its own when the channel's assistant activates
 * on this message (and the workspace's AI is on). Once handed over, it is people's.
 */
export async function assistantHasConversation(
  db: Db,
  conversation: ConversationRow,
  channel: ChannelRow,
  text: string,
  now: number,
): Promise<boolean> {
  if (conversation.aiState !== null) return conversation.aiState === "active";
  const assistant = await assistantForChannel(db, conversation.workspaceId, channel.id);
  if (!assistant) return false;
  if (!(await aiSettingsRow(db, conversation.workspaceId)).enabled) return false;
  if (!(await activates(db, assistant, channel, text, now))) return false;
  // the assistant's turn (queued) and routing (inline) may both get here first: one claim wins
  await db
    .update(conversations)
    .set({ aiState: "active", aiAssistantId: assistant.id, aiTurns: 0 })
    .where(
      inWorkspace(
        conversations,
        conversation.workspaceId,
        and(eq(conversations.id, conversation.id), isNull(conversations.aiState)),
      ),
    );
  const [after] = await db
    .select({ state: conversations.aiState })
    .from(conversations)
    .where(
      inWorkspace(conversations, conversation.workspaceId, eq(conversations.id, conversation.id)),
    );
  return after?.state === "active";
}
