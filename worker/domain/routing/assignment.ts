import { and, asc, count, eq, inArray, isNotNull, isNull, ne, or } from "drizzle-orm";
import {
  type AssignmentStrategy,
  conversations,
  memberships,
  teamMembers,
  teams,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import { type Db, systemPrincipal } from "../../lib/context";
import { assignConversation } from "../messaging/conversation-actions";

export type Candidate = { userId: string; open: number; capacity: number };

/** The member after `last` in a stable order, wrapping around: round-robin stays fair. */
function nextAfter(ids: string[], last: string | null) {
  const sorted = [...ids].sort();
  return sorted.find((id) => last === null || id > last) ?? sorted[0] ?? null;
}

/**
 * Who gets the next conversation among the team's online members with room left; null when
 * everyone is at capacity.
 */
export function pickAgent(
  strategy: Exclude<AssignmentStrategy, "manual">,
  candidates: Candidate[],
  last: string | null,
  random: () => number = Math.random,
): string | null {
  const free = candidates.filter((c) => c.open < c.capacity);
  if (free.length === 0) return null;
  if (strategy === "random") return free[Math.floor(random() * free.length)]?.userId ?? null;
  if (strategy === "least_busy") {
    const fewest = Math.min(...free.map((c) => c.open));
    return nextAfter(
      free.filter((c) => c.open === fewest).map((c) => c.userId),
      last,
    );
  }
  return nextAfter(
    free.map((c) => c.userId),
    last,
  );
}

/** The active members of these teams who are online now, with their capacity. */
export const onlineMembersOf = (db: Db, workspaceId: string, teamIds: string[]) =>
  db
    .select({ userId: memberships.userId, capacity: memberships.capacity })
    .from(teamMembers)
    .innerJoin(
      memberships,
      and(
        eq(memberships.workspaceId, teamMembers.workspaceId),
        eq(memberships.userId, teamMembers.userId),
      ),
    )
    .where(
      inWorkspace(
        teamMembers,
        workspaceId,
        inArray(teamMembers.teamId, teamIds),
        eq(memberships.active, true),
        eq(memberships.presence, "online"),
      ),
    )
    .$dynamic();

/** Online, active team members with their open conversation counts. */
async function candidatesOf(db: Db, workspaceId: string, teamId: string): Promise<Candidate[]> {
  const members = await onlineMembersOf(db, workspaceId, [teamId]);
  if (members.length === 0) return [];
  const counts = await db
    .select({ userId: conversations.assigneeId, open: count() })
    .from(conversations)
    .where(
      inWorkspace(
        conversations,
        workspaceId, // the team's members by subquery: an IN list of them could pass D1's parameter limit
        inArray(
          conversations.assigneeId,
          db
            .select({ userId: teamMembers.userId })
            .from(teamMembers)
            .where(inWorkspace(teamMembers, workspaceId, eq(teamMembers.teamId, teamId))),
        ),
        inArray(conversations.status, ["open", "pending"]),
      ),
    )
    .groupBy(conversations.assigneeId);
  const open = new Map(counts.map((c) => [c.userId, c.open]));
  return members.map((m) => ({ ...m, open: open.get(m.userId) ?? 0 }));
}

/** The workspace's online, active members (in any team or none) with their open conversation counts. */
async function workspaceCandidates(db: Db, workspaceId: string): Promise<Candidate[]> {
  const members = await db
    .select({ userId: memberships.userId, capacity: memberships.capacity })
    .from(memberships)
    .where(
      inWorkspace(
        memberships,
        workspaceId,
        eq(memberships.active, true),
        eq(memberships.presence, "online"),
      ),
    );
  if (members.length === 0) return [];
  const counts = await db
    .select({ userId: conversations.assigneeId, open: count() })
    .from(conversations)
    .where(
      inWorkspace(
        conversations,
        workspaceId,
        isNotNull(conversations.assigneeId),
        inArray(conversations.status, ["open", "pending"]),
      ),
    )
    .groupBy(conversations.assigneeId);
  const open = new Map(counts.map((c) => [c.userId, c.open]));
  return members.map((m) => ({ ...m, open: open.get(m.userId) ?? 0 }));
}

/**
 * Whether an online agent (of the team, else of the workspace) has room for another
 * conversation, counted as assignment counts it: open and pending conversations below capacity.
 */
export async function hasAgentWithRoom(db: Db, workspaceId: string, teamId: string | null) {
  const candidates = teamId
    ? await candidatesOf(db, workspaceId, teamId)
    : await workspaceCandidates(db, workspaceId);
  return candidates.some((c) => c.open < c.capacity);
}

/**
 * Conversations waiting in the team for an agent, oldest first; one the team's AI assistant is
 * still answering waits for its handoff.
 */
const waitingIn = (db: Db, workspaceId: string, teamId: string) =>
  db
    .select({ id: conversations.id })
    .from(conversations)
    .where(
      inWorkspace(
        conversations,
        workspaceId,
        eq(conversations.teamId, teamId),
        inArray(conversations.status, ["open", "pending"]),
        isNull(conversations.assigneeId),
        or(isNull(conversations.aiState), ne(conversations.aiState, "active")),
      ),
    )
    .orderBy(asc(conversations.createdAt), asc(conversations.id))
    .limit(100);

/**
 * Assigns the team's waiting conversations, oldest first, while its online agents have room.
 * Must run one at a time per workspace (the workspace hub does) so capacity is never exceeded.
 * Returns the assignments made; `pointer` keeps the round-robin position between runs.
 */
export async function assignWaiting(
  db: Db,
  env: Env,
  workspaceId: string,
  teamId: string,
  pointer: { get(): Promise<string | null>; set(userId: string): Promise<void> },
  random?: () => number,
) {
  const team = await db.query.teams.findFirst({
    where: inWorkspace(teams, workspaceId, eq(teams.id, teamId)),
  });
  if (!team || team.assignment === "manual") return [];
  const candidates = await candidatesOf(db, workspaceId, teamId);
  const made: { conversationId: string; userId: string }[] = [];
  for (const { id } of await waitingIn(db, workspaceId, teamId)) {
    const userId = pickAgent(team.assignment, candidates, await pointer.get(), random);
    if (!userId) break;
    await assignConversation(db, env, systemPrincipal(workspaceId), id, userId);
    await pointer.set(userId);
    const chosen = candidates.find((c) => c.userId === userId);
    if (chosen) chosen.open += 1;
    made.push({ conversationId: id, userId });
  }
  return made;
}

export const teamsOf = (db: Db, workspaceId: string, userId: string) =>
  db
    .select({ teamId: teamMembers.teamId })
    .from(teamMembers)
    .where(inWorkspace(teamMembers, workspaceId, eq(teamMembers.userId, userId)));

/** An agent has room again (closed or handed over a conversation): their teams' queues move. */
export async function offerCapacity(db: Db, env: Env, workspaceId: string, userId: string) {
  const hub = env.WORKSPACE_HUB.get(env.WORKSPACE_HUB.idFromName(workspaceId));
  for (const { teamId } of await teamsOf(db, workspaceId, userId))
    await hub.assignWaiting(workspaceId, teamId);
}
