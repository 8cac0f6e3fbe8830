import { sendSurveyAfterClose } from "../domain/csat/surveys";
import type { EventType, Listener, Recorded } from "../domain/events/record";

/** Satisfaction surveys follow closes. */
export const CSAT_SOURCES = ["conversation.closed"] as const satisfies EventType[];

/** A close the customer never wrote in gets no survey: it is not queued. */
export const csatTakes = (event: Recorded) =>
  event.type === "conversation.closed" && event.conversation.last_inbound_at !== null;

export const sendSurveys: Listener = async (scope, event) => {
  if (event.type === "conversation.closed") await sendSurveyAfterClose(scope, event);
};
