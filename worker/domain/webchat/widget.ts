import { desc, eq, ne } from "drizzle-orm";
import {
  businessHours,
  contacts,
  conversations,
  memberships,
  type PrechatField,
  teams,
  workspaces,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Visitor } from "../../lib/context";
import { validationFailed } from "../../lib/errors";
import { isoOrNull, toIso } from "../../schemas/common";
import { type ChannelRow, webchatConfig } from "../channels/channels";
import { normalizePhone } from "../contacts/contacts";
import { onlineMembersOf } from "../routing/assignment";
import { isOpen, nextOpening } from "../routing/hours";

/** Why the widget tells visitors nobody can answer now: switched off by hand, out of hours, or nobody online. */
export type AwayReason = "manual" | "closed" | "offline";

const PRECHAT_FIELDS: PrechatField[] = ["name", "email", "phone"];

/** The teams a visitor's message can reach: the channel's team, or its chat menu's teams. */
function routingTeams(channel: ChannelRow) {
  const routing = channel.routing ?? {};
  const ids = [
    routing.team_id,
    routing.menu?.default_team_id,
    ...(routing.menu?.options.map((o) => o.team_id) ?? []),
  ];
  return [...new Set(ids.filter((id): id is string => typeof id === "string"))];
}

/** The hours that apply: the routing team's, else the channel's, else the workspace's. */
async function hoursOf(db: Db, channel: ChannelRow) {
  const team = channel.routing?.team_id
    ? await db.query.teams.findFirst({
        columns: { businessHoursId: true },
        where: inWorkspace(teams, channel.workspaceId, eq(teams.id, channel.routing.team_id)),
      })
    : undefined;
  const workspace = await db.query.workspaces.findFirst({
    columns: { businessHoursId: true },
    where: eq(workspaces.id, channel.workspaceId),
  });
  const id =
    team?.businessHoursId ?? channel.routing?.business_hours_id ?? workspace?.businessHoursId;
  if (!id) return null;
  return (
    (await db.query.businessHours.findFirst({
      where: inWorkspace(businessHours, channel.workspaceId, eq(businessHours.id, id)),
    })) ?? null
  );
}

/** Someone who can answer is online: a member of the routing teams, or of the workspace without teams. */
async function someoneOnline(db: Db, channel: ChannelRow, teamIds: string[]) {
  const [row] = teamIds.length
    ? await onlineMembersOf(db, channel.workspaceId, teamIds).limit(1)
    : await db
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(
          inWorkspace(
            memberships,
            channel.workspaceId,
            eq(memberships.active, true),
            eq(memberships.presence, "online"),
          ),
        )
        .limit(1);
  return row !== undefined;
}

/** Whether visitors can expect an answer now, and if not why and when the team is back. */
export async function availability(db: Db, channel: ChannelRow, now: number) {
  if (webchatConfig(channel).away === true)
    return { away: true, reason: "manual" as AwayReason, opensAt: null };
  const teamIds = routingTeams(channel);
  const hours = await hoursOf(db, channel);
  if (hours && !isOpen(hours, now)) {
    const opensAt = nextOpening(hours, now);
    return { away: true, reason: "closed" as AwayReason, opensAt };
  }
  if (!(await someoneOnline(db, channel, teamIds)))
    return { away: true, reason: "offline" as AwayReason, opensAt: null };
  return { away: false, reason: null, opensAt: null };
}

/** The channel as the widget shows it. */
export async function widgetChannel(db: Db, channel: ChannelRow, now: number) {
  const config = webchatConfig(channel);
  const state = await availability(db, channel, now);
  return {
    id: channel.id,
    name: channel.name,
    greeting: config.greeting ?? null,
    brand_color: config.brand_color ?? "#2563eb",
    position: config.position ?? "right",
    away: state.away,
    away_reason: state.reason,
    opens_at: isoOrNull(state.opensAt),
    away_message: config.away_message ?? null,
    require_identity: config.require_identity === true,
    language: config.language ?? null,
    prechat: Object.fromEntries(
      PRECHAT_FIELDS.map((field) => [field, config.prechat?.[field] ?? "off"]),
    ) as Record<PrechatField, "off" | "optional" | "required">,
  };
}

/** The visitor's conversations on the channel, newest first, closed ones included. */
export async function visitorConversations(db: Db, visitor: Visitor, limit: number) {
  const rows = await db
    .select({
      id: conversations.id,
      status: conversations.status,
      lastSeq: conversations.lastSeq,
      createdAt: conversations.createdAt,
    })
    .from(conversations)
    .where(
      inWorkspace(
        conversations,
        visitor.workspaceId,
        eq(conversations.contactId, visitor.contactId),
        eq(conversations.channelId, visitor.channelId),
      ),
    )
    .orderBy(desc(conversations.createdAt), desc(conversations.id))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    last_seq: r.lastSeq,
    created_at: toIso(r.createdAt),
  }));
}

type ContactDetails = { name?: string | undefined; email?: string | undefined; phone?: string };

/** Another contact already has this value: it is not taken over (a typed address is only a label). */
async function heldByAnother(db: Db, visitor: Visitor, column: "email" | "phone", value: string) {
  const other = await db.query.contacts.findFirst({
    columns: { id: true },
    where: inWorkspace(
      contacts,
      visitor.workspaceId,
      eq(contacts[column], value),
      ne(contacts.id, visitor.contactId),
    ),
  });
  return other !== undefined;
}

/**
 * What the visitor tells about themselves (pre-chat form, offline email) is kept on their
 * contact. An email or phone another contact has is not linked to this one, as at session start.
 */
export async function updateVisitorContact(
  db: Db,
  visitor: Visitor,
  input: ContactDetails,
  now: number,
) {
  const workspace = await db.query.workspaces.findFirst({
    columns: { defaultCountry: true },
    where: eq(workspaces.id, visitor.workspaceId),
  });
  const phone =
    input.phone === undefined
      ? undefined
      : normalizePhone(input.phone, workspace?.defaultCountry ?? "US");
  if (phone === null) throw validationFailed([{ path: "phone", message: "not a phone number" }]);
  const email = input.email?.toLowerCase();
  const changes = {
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(email && !(await heldByAnother(db, visitor, "email", email)) ? { email } : {}),
    ...(phone && !(await heldByAnother(db, visitor, "phone", phone)) ? { phone } : {}),
  };
  const where = inWorkspace(contacts, visitor.workspaceId, eq(contacts.id, visitor.contactId));
  if (Object.keys(changes).length)
    await db
      .update(contacts)
      .set({ ...changes, updatedAt: now })
      .where(where);
  const contact = await db.query.contacts.findFirst({
    columns: { name: true, email: true, phone: true },
    where,
  });
  return {
    name: contact?.name ?? null,
    email: contact?.email ?? null,
    phone: contact?.phone ?? null,
  };
}
