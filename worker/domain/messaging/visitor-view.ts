import type { MessageDto } from "../../schemas/conversations";

/** Event types a visitor may see; the rest (labels, SLA, routing, transfers …) are the team's own. */
export const VISITOR_EVENT_TYPES = [
  "status_changed",
  "assigned",
  "csat_survey",
  "csat_answered",
] as const;

/**
 * A message as the visitor sees it, or null when it is not for them: notes never, events only
 * when they change something for the visitor (the conversation closed or reopened, a person
 * took it, a satisfaction survey asked or answered), carrying only what the widget needs.
 */
export function visitorView(message: MessageDto): MessageDto | null {
  if (message.kind === "note") return null;
  if (message.kind !== "event") return message;
  const event = message.event;
  if (!event) return null;
  const { data } = event;
  if (event.type === "status_changed" && (data.to === "closed" || data.from === "closed"))
    return {
      ...message,
      event: { type: event.type, data: { from: data.from ?? null, to: data.to ?? null } },
    };
  // the satisfaction survey: the widget shows its buttons, then that it was answered
  if (event.type === "csat_survey" || event.type === "csat_answered") return message;
  if (event.type === "assigned" && data.to && typeof data.to_name === "string")
    return { ...message, event: { type: event.type, data: { to_name: data.to_name } } };
  return null;
}
