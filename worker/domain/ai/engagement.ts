import { and, eq, isNull, type SQL } from "drizzle-orm";
import { type channels, conversations, teams } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { hoursFor } from "../routing/business-hours";
import { isOpen } from "../routing/hours";
import { hasKeyword } from "./assistant-prompt";
import { type AssistantRow, assistantFor } from "./assistants";
import { aiSettingsRow } from "./settings";

type ConversationRow = typeof conversations.$inferSelect;
type ChannelRow = typeof channels.$inferSelect;

type TeamRow = typeof teams.$inferSelect;

/** The team the assistant answers for: the one it hands over to, else `routedTo`, else the channel's. */
async function teamOf(
  db: Db,
  assistant: AssistantRow,
  channel: ChannelRow,
  routedTo: TeamRow | null,
) {
  const teamId = assistant.teamId ?? routedTo?.id ?? channel.routing?.team_id ?? null;
  if (!teamId) return null;
  if (teamId === routedTo?.id) return routedTo;
  return (
    (await db.query.teams.findFirst({
      where: inWorkspace(teams, assistant.workspaceId, eq(teams.id, teamId)),
    })) ?? null
  );
}

/** Whether the assistant starts on this first message: always, on a keyword, or out of hours. */
async function activates(
  db: Db,
  assistant: AssistantRow,
  channel: ChannelRow,
  text: string,
  now: number,
  routedTo: TeamRow | null = null,
) {
  if (assistant.activation === "keyword") return hasKeyword(text, assistant.keywords);
  if (assistant.activation !== "out_of_hours") return true;
  const team = await teamOf(db, assistant, channel, routedTo);
  const hours = await hoursFor(db, assistant.workspaceId, team ?? undefined, channel);
  return hours !== null && !isOpen(hours, now);
}

/**
 * Makes a conversation nobody's assistant has had yet the assistant's, in one conditional
 * statement: the assistant's turn (queued) and routing (inline) may both get here first, and
 * one claim wins. Whether the conversation is the assistant's now.
 */
async function claim(
  db: Db,
  conversation: ConversationRow,
  assistant: AssistantRow,
  values: Partial<ConversationRow> = {},
) {
  const scope = (condition: SQL | undefined) =>
    inWorkspace(
      conversations,
      conversation.workspaceId,
      and(eq(conversations.id, conversation.id), condition),
    );
  await db
    .update(conversations)
    .set({ ...values, aiState: "active", aiAssistantId: assistant.id, aiTurns: 0 })
    .where(scope(isNull(conversations.aiState)));
  const [after] = await db
    .select({ state: conversations.aiState })
    .from(conversations)
    .where(scope(undefined));
  return after?.state === "active";
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
  const assistant = await assistantFor(db, conversation.workspaceId, { channelId: channel.id });
  if (!assistant) return false;
  if (!(await aiSettingsRow(db, conversation.workspaceId)).enabled) return false;
  if (!(await activates(db, assistant, channel, text, now))) return false;
  return claim(db, conversation, assistant);
}

/**
 * Routing brings a new conversation to a team: the team's assistant takes it first, when it
 * activates on the customer's message, and the conversation waits in the team for its handoff.
 */
export async function teamAssistantTakes(
  db: Db,
  conversation: ConversationRow,
  channel: ChannelRow,
  team: TeamRow,
  text: string,
  now: number,
): Promise<boolean> {
  if (conversation.aiState !== null) return false;
  const assistant = await assistantFor(db, conversation.workspaceId, { teamId: team.id });
  if (!assistant) return false;
  if (!(await aiSettingsRow(db, conversation.workspaceId)).enabled) return false;
  if (!(await activates(db, assistant, channel, text, now, team))) return false;
  return claim(db, conversation, assistant, { teamId: team.id, menuAttempts: null });
}
