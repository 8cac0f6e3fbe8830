import { eq } from "drizzle-orm";
import { isPlatformChannel } from "../../channels/index";
import { type ChatMenu, channels, conversations, teams } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { assistantHasConversation, teamAssistantTakes } from "../ai/engagement";
import { queueOutbound } from "../channels/outbound";
import { record } from "../events/record";
import type { AiMark } from "../messaging/contract";
import { getConversation } from "../messaging/conversations";
import type { ConversationRef } from "../messaging/projection";
import { conversationStub, hubFor } from "../messaging/stubs";
import { hoursFor } from "./business-hours";
import { addBusinessMinutes, isOpen } from "./hours";

const MINUTE = 60_000;

type ConversationRow = typeof conversations.$inferSelect;
type ChannelRow = typeof channels.$inferSelect;

/**
 * A message from Conversa to the customer: queued for the platform, or simply stored for web
 * chat. The AI assistant speaks under its own name, its messages marked as AI.
 */
export async function sayToCustomer(
  env: Env,
  conversation: { id: string },
  channel: { type: ChannelRow["type"] },
  text: string,
  as: { name: string; ai: AiMark } | null = null,
) {
  const platform = isPlatformChannel(channel.type);
  const message = await conversationStub(env, conversation.id).append({
    kind: "text",
    sender: { type: "bot", id: null, name: as?.name ?? "Conversa" },
    text,
    status: platform ? "queued" : null,
    ...(as ? { origin: "ai" as const, ai: as.ai } : {}),
  });
  if (platform) await queueOutbound(env, { conversationId: conversation.id, seq: message.seq });
  return message;
}

export const menuText = (menu: ChatMenu) =>
  [menu.prompt, ...menu.options.map((o) => `${o.key}. ${o.label}`)].join("\n");

/** The option the customer chose: its key ("2") or its label ("support"), case-insensitive. */
export function chosenOption(menu: ChatMenu, answer: string) {
  const normalized = answer.trim().toLowerCase().replace(/[.)]$/, "");
  return (
    menu.options.find(
      (o) => o.key.toLowerCase() === normalized || o.label.toLowerCase() === normalized,
    ) ?? null
  );
}

async function update(db: Db, conversation: ConversationRow, values: Partial<ConversationRow>) {
  await db
    .update(conversations)
    .set(values)
    .where(
      inWorkspace(conversations, conversation.workspaceId, eq(conversations.id, conversation.id)),
    );
}

function slaDue(hours: Awaited<ReturnType<typeof hoursFor>>, from: number, minutes: number | null) {
  if (!minutes) return null;
  return hours ? addBusinessMinutes(hours, from, minutes) : from + minutes * MINUTE;
}

/**
 * The conversation joins the team: SLA clocks start (in business time); out of hours the
 * customer hears the away message once and the conversation waits for the next shift; in hours
 * the welcome message, then auto-assignment — and the busy message once when nobody has room.
 * A team with an AI assistant lets it answer a new conversation first (`text`: the customer's
 * message that brought it here); the team takes it at the assistant's handoff.
 */
async function enterTeam(
  db: Db,
  env: Env,
  conversation: ConversationRow,
  channel: ChannelRow,
  teamId: string | null | undefined,
  now: number,
  text: string | null = null,
) {
  const team = teamId
    ? await db.query.teams.findFirst({
        where: inWorkspace(teams, conversation.workspaceId, eq(teams.id, teamId)),
      })
    : undefined;
  if (
    team &&
    text !== null &&
    (await teamAssistantTakes(db, conversation, channel, team, text, now))
  )
    return;
  await conversationStub(env, conversation.id).markRouted();
  if (!team) {
    await update(db, conversation, { menuAttempts: null });
    return;
  }
  const hours = await hoursFor(db, team.workspaceId, team, channel);
  await update(db, conversation, {
    teamId: team.id,
    menuAttempts: null,
    firstResponseDueAt: slaDue(hours, now, team.slaFirstResponseMinutes),
    resolutionDueAt: slaDue(hours, now, team.slaResolutionMinutes),
  });
  await conversationStub(env, conversation.id).append({
    kind: "event",
    sender: { type: "system", id: null, name: "Conversa" },
    event: { type: "routed", data: { team_id: team.id, team: team.name } },
  });
  const open = hours ? isOpen(hours, now) : true;
  if (!open) {
    if (team.awayMessage && conversation.awayNotifiedAt === null) {
      await sayToCustomer(env, conversation, channel, team.awayMessage);
      await update(db, conversation, { awayNotifiedAt: now });
    }
  } else {
    if (team.welcomeMessage) await sayToCustomer(env, conversation, channel, team.welcomeMessage);
    const assigned = await hubFor(env, team.workspaceId).assignWaiting(team.workspaceId, team.id);
    const mine = assigned.some((a) => a.conversationId === conversation.id);
    if (
      !mine &&
      team.assignment !== "manual" &&
      team.busyMessage &&
      conversation.busyNotifiedAt === null
    ) {
      await sayToCustomer(env, conversation, channel, team.busyMessage);
      await update(db, conversation, { busyNotifiedAt: now });
    }
  }
  // the conversation's object starts watching its SLA from the routed conversation's due times
  await record({ db, env }, conversation.workspaceId, {
    type: "conversation.routed",
    conversation: await getConversation(db, conversation.workspaceId, conversation.id),
  });
}

async function conversationAndChannel(db: Db, ref: ConversationRef) {
  const conversation = await db.query.conversations.findFirst({
    where: inWorkspace(conversations, ref.workspaceId, eq(conversations.id, ref.conversationId)),
  });
  const channel = conversation
    ? await db.query.channels.findFirst({
        where: inWorkspace(channels, ref.workspaceId, eq(channels.id, conversation.channelId)),
      })
    : undefined;
  return { conversation, channel };
}

/**
 * Runs on a customer's message while the conversation is not routed yet: the channel's chat menu
 * (asked, answered, asked again up to its limit, then the default team), or its team.
 */
export async function routeCustomerMessage(
  db: Db,
  env: Env,
  ref: ConversationRef,
  text: string | null,
  now: number,
) {
  const { conversation, channel } = await conversationAndChannel(db, ref);
  if (!conversation || !channel) return;
  if (await assistantHasConversation(db, conversation, channel, text ?? "", now)) return;
  if (conversation.teamId) return conversationStub(env, conversation.id).markRouted();
  const routing = channel.routing ?? {};
  const menu = routing.menu;
  if (!menu) return enterTeam(db, env, conversation, channel, routing.team_id, now, text ?? "");
  if (conversation.menuAttempts === null) {
    await update(db, conversation, { menuAttempts: 0 });
    await sayToCustomer(env, conversation, channel, menuText(menu));
    return;
  }
  const choice = text ? chosenOption(menu, text) : null;
  if (choice) return enterTeam(db, env, conversation, channel, choice.team_id, now, text);
  const attempts = conversation.menuAttempts + 1;
  if (attempts >= menu.max_attempts)
    return enterTeam(
      db,
      env,
      conversation,
      channel,
      menu.default_team_id ?? routing.team_id,
      now,
      text ?? "",
    );
  await update(db, conversation, { menuAttempts: attempts });
  await sayToCustomer(
    env,
    conversation,
    channel,
    `Please answer with one of the options.\n${menuText(menu)}`,
  );
}

/**
 * The assistant handed the conversation over: it goes to `teamId`, else the team it answered
 * for, else the way the channel routes (its chat menu, asked now, or its team). One routed
 * already stays where it is.
 */
export async function routeAfterAssistant(
  db: Db,
  env: Env,
  ref: ConversationRef,
  teamId: string | null,
  now: number,
) {
  if (await conversationStub(env, ref.conversationId).isRouted()) return;
  const { conversation, channel } = await conversationAndChannel(db, ref);
  if (!conversation || !channel) return;
  const routing = channel.routing ?? {};
  // a team's own assistant hands over to its team
  const target = teamId ?? conversation.teamId;
  if (target || !routing.menu)
    return enterTeam(db, env, conversation, channel, target ?? routing.team_id, now);
  await update(db, conversation, { menuAttempts: 0 });
  await sayToCustomer(env, conversation, channel, menuText(routing.menu));
}
