import type { SlaCheck } from "../worker/domain/messaging/contract";
import type { ConversationDto } from "../worker/schemas/conversations";
import type { MetaStore } from "./conversation-storage";

/** The due times at which a conversation object checks its SLA targets, kept in its meta. */
export function slaChecks(meta: MetaStore): SlaCheck[] {
  const raw = meta.get("sla");
  return raw ? (JSON.parse(raw) as SlaCheck[]) : [];
}

/** Watches the conversation's SLA due times (set when it is routed to a team). */
export function watchSla(meta: MetaStore, sla: ConversationDto["sla"]) {
  const due: SlaCheck[] = [];
  if (sla.first_response_due_at)
    due.push({ target: "first_response", at: Date.parse(sla.first_response_due_at) });
  if (sla.resolution_due_at)
    due.push({ target: "resolution", at: Date.parse(sla.resolution_due_at) });
  meta.set("sla", JSON.stringify(due));
}

/** The checks due by `now`, no longer watched once taken. */
export function takeDueSlaChecks(meta: MetaStore, now: number): SlaCheck[] {
  const checks = slaChecks(meta);
  const due = checks.filter((c) => c.at <= now);
  if (due.length) meta.set("sla", JSON.stringify(checks.filter((c) => c.at > now)));
  return due;
}
