import type { Db } from "../../lib/context";
import type { Conditions } from "../../schemas/automation-rules";
import { hasAgentWithRoom } from "../routing/assignment";
import type { Facts } from "./conditions";
import {
  businessHoursOf,
  contactOf,
  conversationOf,
  isOpen,
  type RunScope,
  workspaceOf,
} from "./effects";

type FactsScope = RunScope & { channelId: string | null; runStartedAt?: number | null };

/** The teams whose agents' room the conditions ask about (`""`: any agent of the workspace). */
function teamsAskedAbout(conditions: Conditions[]) {
  const teams = new Set<string>();
  for (const { groups } of conditions)
    for (const group of groups)
      for (const rule of group.rules)
        if (rule.type === "agents_available") teams.add(rule.team_id ?? "");
  return [...teams];
}

const asksReply = (conditions: Conditions[]) =>
  conditions.some(({ groups }) =>
    groups.some((g) => g.rules.some((rule) => rule.type === "customer_replied")),
  );

/**
 * What conditions read for a run now: the contact's fields and tags, hours, saved values, and
 * what `conditions` ask beyond those (agents' room, the customer's last message).
 */
export async function factsFor(
  db: Db,
  scope: FactsScope,
  vars: Record<string, unknown>,
  now: number,
  conditions: Conditions[] = [],
): Promise<Facts> {
  const teams = teamsAskedAbout(conditions);
  const [workspace, contact, hours, room, conversation] = await Promise.all([
    workspaceOf(db, scope.workspaceId),
    scope.contactId
      ? contactOf(db, scope.workspaceId, scope.contactId).catch(() => null)
      : Promise.resolve(null),
    businessHoursOf(db, scope.workspaceId),
    Promise.all(teams.map((team) => hasAgentWithRoom(db, scope.workspaceId, team || null))),
    scope.conversationId && asksReply(conditions)
      ? conversationOf(db, scope.workspaceId, scope.conversationId).catch(() => null)
      : Promise.resolve(null),
  ]);
  return {
    now,
    timezone: workspace.timezone,
    fields: contact?.custom_fields ?? {},
    tags: contact?.tags ?? [],
    channelId: scope.channelId,
    // without business hours, the business is always open
    hoursOpen: (id) => {
      const chosen = hours.find((h) => h.id === (id ?? workspace.businessHoursId));
      return chosen ? isOpen(chosen, now) : true;
    },
    vars,
    agentsAvailable: new Map(teams.map((team, i) => [team, room[i] ?? false])),
    lastInboundAt: conversation?.last_inbound_at ? Date.parse(conversation.last_inbound_at) : null,
    runStartedAt: scope.runStartedAt ?? null,
  };
}
