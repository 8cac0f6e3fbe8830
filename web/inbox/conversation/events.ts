import type { Message } from "../../shared/api";
import { formatDate, t } from "../../shared/ui";
import { type Directory, teamName, userName } from "./directory";

type EventData = NonNullable<Message["event"]>["data"];

const list = (value: unknown) => (Array.isArray(value) ? value.join(", ") : "");

/** Who did it: the person's current name, else the name stored with the event. */
function actorOf(m: Message, directory: Directory) {
  return userName(directory, m.sender.id) ?? m.sender.name ?? t("conversation.event.someone");
}

function assigned(m: Message, data: EventData, directory: Directory) {
  const to = data.to ? (userName(directory, data.to) ?? t("conversation.event.someone")) : null;
  if (!m.sender.id)
    return to
      ? t("conversation.event.assignedAuto", { assignee: to })
      : t("conversation.event.unassignedAuto");
  const actor = actorOf(m, directory);
  if (!to) return t("conversation.event.unassigned", { actor });
  if (data.to === m.sender.id) return t("conversation.event.selfAssigned", { actor });
  return t("conversation.event.assigned", { actor, assignee: to });
}

function transferred(m: Message, data: EventData, directory: Directory) {
  const actor = actorOf(m, directory);
  const team = teamName(directory, data.to_team);
  const line = team
    ? t("conversation.event.transferred", { actor, team })
    : t("conversation.event.transferredNoTeam", { actor });
  return data.note ? `${line}: ${String(data.note)}` : line;
}

function statusChanged(m: Message, data: EventData, directory: Directory) {
  const actor = actorOf(m, directory);
  if (data.to === "closed")
    return data.reason
      ? t("conversation.event.closedWithReason", { actor, reason: String(data.reason) })
      : t("conversation.event.closed", { actor });
  if (data.to === "snoozed" && data.snooze_until)
    return t("conversation.event.snoozed", {
      actor,
      until: formatDate(String(data.snooze_until), {
        weekday: "short",
        day: "numeric",
        month: "short",
        hour: "2-digit",
        minute: "2-digit",
      }),
    });
  if (data.reason === "snooze_ended") return t("conversation.event.snoozeEnded");
  if (data.to === "open")
    return data.from === "closed"
      ? t("conversation.event.reopened", { actor })
      : t("conversation.event.opened", { actor });
  return t("conversation.event.pending", { actor });
}

function labelsChanged(m: Message, data: EventData, directory: Directory) {
  const actor = actorOf(m, directory);
  if (list(data.added))
    return t("conversation.event.labelsAdded", { actor, labels: list(data.added) });
  return t("conversation.event.labelsRemoved", { actor, labels: list(data.removed) });
}

const AUTOMATION_LINES: Record<string, string> = {
  replied: "conversation.event.automationReplied",
  tagged: "conversation.event.automationTagged",
  untagged: "conversation.event.automationUntagged",
  field_updated: "conversation.event.automationFieldUpdated",
};

/** What an automation's run did here: “Automation “Prices” tagged lead”. */
function automationActed(m: Message, data: EventData) {
  const key = AUTOMATION_LINES[String(data.action)];
  const automation = String(data.automation ?? m.sender.name ?? "");
  if (!key) return t("conversation.event.other", { actor: automation, type: String(data.action) });
  return t(key, { automation, tag: String(data.tag ?? ""), field: String(data.field ?? "") });
}

const HANDOFF_LINES: Record<string, string> = {
  assistant: "conversation.event.aiHandoff",
  customer: "conversation.event.aiHandoffCustomer",
  agent: "conversation.event.aiHandoffAgent",
  error: "conversation.event.aiHandoffError",
};

/** Why the AI assistant stopped: it decided, the customer asked, an agent spoke, or it failed. */
function aiHandoff(data: EventData) {
  const key = HANDOFF_LINES[String(data.by)] ?? "conversation.event.aiHandoff";
  return t(key, { reason: String(data.reason ?? "") });
}

/** One line saying what happened, who did it and to whom, in the agent's language. */
export function describeEvent(m: Message, directory: Directory): string {
  const event = m.event;
  if (!event) return m.text ?? "";
  const data = event.data;
  switch (event.type) {
    case "assigned":
      return assigned(m, data, directory);
    case "transferred":
      return transferred(m, data, directory);
    case "status_changed":
      return statusChanged(m, data, directory);
    case "labels_changed":
      return labelsChanged(m, data, directory);
    case "automation":
      return automationActed(m, data);
    case "routed":
      return t("conversation.event.routed", {
        team: teamName(directory, data.team_id) ?? String(data.team ?? ""),
      });
    case "sla_breached":
      return t(
        data.target === "first_response"
          ? "conversation.event.slaFirstResponse"
          : "conversation.event.slaResolution",
        { due: formatDate(String(data.due_at), { dateStyle: "medium", timeStyle: "short" }) },
      );
    case "reaction":
      return data.emoji
        ? t("conversation.event.reacted", {
            actor: actorOf(m, directory),
            emoji: String(data.emoji),
          })
        : t("conversation.event.reactionRemoved", { actor: actorOf(m, directory) });
    case "ai_handoff":
      return aiHandoff(data);
    case "ai_handback":
      return t("conversation.event.aiHandback", { assistant: String(data.assistant ?? "") });
    case "consent_changed":
      return t(
        data.status === "opted_out" ? "conversation.event.optedOut" : "conversation.event.optedIn",
        { channel: String(data.channel) },
      );
    case "csat_survey":
      return t("conversation.event.csatSurvey");
    case "csat_answered":
      return data.comment !== undefined
        ? t("conversation.event.csatComment", { comment: String(data.comment) })
        : t("conversation.event.csatScore", {
            score: String(data.score),
            max: data.scale === "nps_10" ? "10" : "5",
          });
    default:
      return t("conversation.event.other", { actor: actorOf(m, directory), type: event.type });
  }
}
