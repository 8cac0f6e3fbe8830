import { eq, inArray } from "drizzle-orm";
import { rowChunks } from "../../db/chunks";
import { writeTogether } from "../../db/client";
import {
  type ConversationStatus,
  conversationLabels,
  conversations,
  memberships,
  type SystemEvent,
  users,
  workspaces,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { ConversationDto } from "../../schemas/conversations";
import { normalizeTags } from "../contacts/contacts";
import { type DomainEvent, record } from "../events/record";
import { openDuration } from "../reports/business-time";
import { type Fact, targetMet, writeCounting } from "../reports/rollups";
import type { AppendInput } from "./contract";
import { getConversation } from "./conversations";
import { markMentionsRead } from "./mentions";
import { conversationStub } from "./stubs";

/** What agents do to a conversation: assign, change its status, label it, read it. */

export async function actorName(db: Db, principal: Principal) {
  if (!principal.userId) return principal.via === "system" ? "Conversa" : "API";
  const user = await db.query.users.findFirst({ where: eq(users.id, principal.userId) });
  return user?.name ?? null;
}

async function recordEvent(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  type: string,
  data: SystemEvent["data"],
) {
  const event: AppendInput = {
    kind: "event",
    sender: { type: "system", id: principal.userId, name: await actorName(db, principal) },
    event: { type, data },
  };
  await conversationStub(env, id).append(event);
}

const where = (workspaceId: string, id: string) =>
  inWorkspace(conversations, workspaceId, eq(conversations.id, id));

/** Conversations go to active members of the workspace only. */
export async function checkAssignee(db: Db, workspaceId: string, userId: string) {
  const member = await db.query.memberships.findFirst({
    where: inWorkspace(
      memberships,
      workspaceId,
      eq(memberships.userId, userId),
      eq(memberships.active, true),
    ),
  });
  if (!member)
    throw validationFailed([
      { path: "user_id", message: "not an active member of this workspace" },
    ]);
}

export async function assignConversation(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  userId: string | null,
  now = Date.now(),
) {
  const current = await getConversation(db, principal.workspaceId, id);
  if (current.assignee_id === userId) return current;
  if (userId) await checkAssignee(db, principal.workspaceId, userId);
  const write = db
    .update(conversations)
    .set({ assigneeId: userId })
    .where(where(principal.workspaceId, id));
  // an assignment is counted for the agent assigned; taking one off is not counted
  if (userId)
    await writeCounting(db, write, {
      before: [assignedFact(principal.workspaceId, current, userId, now)],
    });
  else await write;
  const assignee = userId
    ? await db.query.users.findFirst({ columns: { name: true }, where: eq(users.id, userId) })
    : undefined;
  await recordEvent(db, env, principal, id, "assigned", {
    from: current.assignee_id,
    to: userId,
    // the widget tells the visitor who joined
    to_name: assignee?.name ?? null,
  });
  const conversation = await getConversation(db, principal.workspaceId, id);
  await record({ db, env }, principal.workspaceId, {
    type: "conversation.assigned",
    conversation,
    from: current.assignee_id,
  });
  return conversation;
}

/** An assignment, counted (and logged) while the conversation is not already the agent's. */
function assignedFact(
  workspaceId: string,
  current: ConversationDto,
  userId: string,
  now: number,
): Fact {
  return {
    workspaceId,
    conversationId: current.id,
    metric: "assignments",
    at: now,
    agentId: userId,
    teamId: current.team_id,
    when: { sql: "c.assignee_id IS NOT ?", params: [userId] },
    logged: { id: newId("tr", now) },
  };
}

/** The workspace's closing rules: a reason from its list, a note when required. */
export async function checkClosing(
  db: Db,
  workspaceId: string,
  change: { reason?: string | undefined; note?: string | undefined },
) {
  const rules = await db.query.workspaces.findFirst({
    columns: { closeReasons: true, requireCloseNote: true },
    where: eq(workspaces.id, workspaceId),
  });
  const errors: { path: string; message: string }[] = [];
  const reasons = rules?.closeReasons ?? [];
  if (reasons.length && !reasons.includes(change.reason ?? ""))
    errors.push({ path: "reason", message: `one of: ${reasons.join(", ")}` });
  if (rules?.requireCloseNote && !change.note)
    errors.push({ path: "note", message: "closing needs a note" });
  if (errors.length) throw validationFailed(errors);
}

const MAX_SNOOZE_MS = 365 * 24 * 60 * 60 * 1000;

/** A snooze ends in the future, at most a year ahead. */
function checkSnooze(until: number | null, now: number) {
  if (until === null || until <= now || until > now + MAX_SNOOZE_MS)
    throw validationFailed([
      { path: "snooze_until", message: "must be in the future, at most a year ahead" },
    ]);
  return until;
}

export async function changeStatus(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  change: {
    status: ConversationStatus;
    snoozeUntil: number | null;
    reason?: string | undefined;
    note?: string | undefined;
  },
  now: number,
) {
  const current = await getConversation(db, principal.workspaceId, id);
  if (change.status === "closed" && current.status !== "closed")
    await checkClosing(db, principal.workspaceId, change);
  const snoozeUntil = change.status === "snoozed" ? checkSnooze(change.snoozeUntil, now) : null;
  // the wake-up alarm first: when the object cannot set it, nothing has changed yet
  if (snoozeUntil !== null && !(await conversationStub(env, id).scheduleWake(snoozeUntil)))
    throw validationFailed([
      { path: "snooze_until", message: "is later than a wake-up can be set" },
    ]);
  await writeStatus(db, principal, id, { status: change.status, snoozeUntil }, now);
  if (current.status !== change.status) {
    if (change.status === "closed" && change.note)
      await conversationStub(env, id).append({
        kind: "note",
        sender: { type: "agent", id: principal.userId, name: await actorName(db, principal) },
        text: change.note,
      });
    await recordEvent(db, env, principal, id, "status_changed", {
      from: current.status,
      to: change.status,
      ...(snoozeUntil ? { snooze_until: new Date(snoozeUntil).toISOString() } : {}),
      ...(change.status === "closed" && change.reason ? { reason: change.reason } : {}),
    });
  }
  const conversation = await getConversation(db, principal.workspaceId, id);
  const event = statusEvent(current.status, conversation, change.reason);
  if (event) await record({ db, env }, principal.workspaceId, event);
  return conversation;
}

/**
 * Writes the new status. A close is stamped with its time, closer and team and counted in reports
 * with the time since the conversation opened and against the team's resolution target; reopening
 * takes that count back.
 */
async function writeStatus(
  db: Db,
  principal: Principal,
  id: string,
  change: { status: ConversationStatus; snoozeUntil: number | null },
  now: number,
) {
  const { workspaceId } = principal;
  const row = await db.query.conversations.findFirst({
    columns: {
      status: true,
      createdAt: true,
      teamId: true,
      resolutionDueAt: true,
      closedAt: true,
      closedBy: true,
      closedTeamId: true,
      resolutionSlaMet: true,
      resolutionBusinessMs: true,
    },
    where: where(workspaceId, id),
  });
  const closing = change.status === "closed" && row?.status !== "closed";
  const reopening = change.status !== "closed" && row?.status === "closed";
  const inBusinessHours =
    row && closing ? await openDuration(db, workspaceId, id, row.createdAt, now) : null;
  const met = row && closing ? targetMet(now, row.resolutionDueAt) : null;
  const write = db
    .update(conversations)
    .set({
      ...change,
      lastActivityAt: now,
      ...(closing
        ? {
            closedAt: now,
            closedBy: principal.userId,
            closedTeamId: row?.teamId ?? null,
            resolutionSlaMet: met === null ? null : met === 1,
            resolutionBusinessMs: inBusinessHours,
          }
        : {}),
      ...(reopening
        ? {
            closedAt: null,
            closedBy: null,
            closedTeamId: null,
            resolutionSlaMet: null,
            resolutionBusinessMs: null,
          }
        : {}),
    })
    .where(where(workspaceId, id));
  if (!row || !(closing || reopening)) return void (await write);
  if (closing) {
    const closed = {
      at: now,
      agentId: principal.userId,
      teamId: row.teamId,
      when: { sql: "c.status != 'closed'", params: [] },
    };
    return writeCounting(db, write, {
      before: closeFacts(workspaceId, id, closed, {
        resolutionMs: now - row.createdAt,
        businessMs: inBusinessHours ?? 0,
        met,
      }),
    });
  }
  // reopened: counted as a reopen, and what its close counted is taken back
  const closedAt = row.closedAt ?? now;
  const reopened: Fact = {
    workspaceId,
    conversationId: id,
    metric: "conversations_reopened",
    at: now,
    agentId: principal.userId,
    teamId: row.teamId,
    when: { sql: "c.status = 'closed' AND c.closed_at IS ?", params: [row.closedAt] },
    logged: { id: newId("tr", now) },
  };
  const takenBack = {
    at: closedAt,
    agentId: row.closedBy,
    teamId: row.closedTeamId,
    sign: -1 as const,
    when: { sql: "c.status = 'closed' AND c.closed_at IS ?", params: [row.closedAt] },
  };
  await writeCounting(db, write, {
    before: [
      reopened,
      ...closeFacts(workspaceId, id, takenBack, {
        resolutionMs: closedAt - row.createdAt,
        businessMs: row.resolutionBusinessMs,
        met: row.resolutionSlaMet === null ? null : Number(row.resolutionSlaMet),
      }),
    ],
  });
}

/** What a close counts: its resolution time, round the clock and in business hours, and its target. */
function closeFacts(
  workspaceId: string,
  conversationId: string,
  close: Omit<Fact, "workspaceId" | "conversationId" | "metric">,
  counted: { resolutionMs: number; businessMs: number | null; met: number | null },
): Fact[] {
  const fact = { ...close, workspaceId, conversationId };
  return [
    { ...fact, metric: "resolution", durationMs: counted.resolutionMs },
    ...(counted.businessMs === null
      ? []
      : [{ ...fact, metric: "resolution_business" as const, durationMs: counted.businessMs }]),
    ...(counted.met === null
      ? []
      : [{ ...fact, metric: "resolution_sla" as const, score: counted.met }]),
  ];
}

/** What a status change amounts to; a snooze counts every time (its wake-up time moves). */
function statusEvent(
  from: ConversationStatus,
  conversation: ConversationDto,
  reason: string | undefined,
): DomainEvent | null {
  const to = conversation.status;
  if (to === "snoozed") return { type: "conversation.snoozed", conversation, from };
  if (to === from) return null;
  if (to === "closed")
    return { type: "conversation.closed", conversation, from, reason: reason ?? null };
  if (to === "open") return { type: "conversation.reopened", conversation, from };
  return { type: "conversation.pending", conversation, from };
}

export async function addLabels(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  labels: string[],
) {
  await getConversation(db, principal.workspaceId, id);
  const added = normalizeTags(labels);
  const rows = added.map((label) => ({
    workspaceId: principal.workspaceId,
    conversationId: id,
    label,
  }));
  await writeTogether(
    db,
    rowChunks(conversationLabels, rows).map((chunk) =>
      db.insert(conversationLabels).values(chunk).onConflictDoNothing(),
    ),
  );
  await recordEvent(db, env, principal, id, "labels_changed", { added });
  return labelsChanged(db, env, principal.workspaceId, id, { added, removed: [] });
}

export async function removeLabels(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  labels: string[],
) {
  await getConversation(db, principal.workspaceId, id);
  const removed = normalizeTags(labels);
  await db
    .delete(conversationLabels)
    .where(
      inWorkspace(
        conversationLabels,
        principal.workspaceId,
        eq(conversationLabels.conversationId, id),
        inArray(conversationLabels.label, removed),
      ),
    );
  await recordEvent(db, env, principal, id, "labels_changed", { removed });
  return labelsChanged(db, env, principal.workspaceId, id, { added: [], removed });
}

async function labelsChanged(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  change: { added: string[]; removed: string[] },
) {
  const conversation = await getConversation(db, workspaceId, id);
  await record({ db, env }, workspaceId, {
    type: "conversation.labels_changed",
    conversation,
    ...change,
  });
  return conversation;
}

/** An agent read the conversation up to its last message: its unread count is back to zero. */
export async function markConversationRead(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  now: number,
) {
  const current = await getConversation(db, principal.workspaceId, id);
  await conversationStub(env, id).markRead("agent", current.last_seq);
  await markMentionsRead(db, principal, id, now);
  const conversation = await getConversation(db, principal.workspaceId, id);
  await record({ db, env }, principal.workspaceId, { type: "conversation.read", conversation });
}
