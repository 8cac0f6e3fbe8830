import type { components } from "../../../client/schema";
import { t } from "../../shared/ui";
import type { Channel } from "./channels/look";

export type Assistant = components["schemas"]["Assistant"];
export type AssistantBody = components["schemas"]["AssistantCreate"];
export type TestResult = components["schemas"]["AssistantTestResult"];
export type ContactField = components["schemas"]["ContactField"];
export type Activation = Assistant["activation"];

export const BASE = "/api/v1/ai/assistants";

export const ACTIVATIONS = [
  "always",
  "keyword",
  "out_of_hours",
] as const satisfies readonly Activation[];

/** The contact's own fields an assistant can fill in, before the workspace's custom ones. */
export const BUILT_IN_FIELDS = ["name", "email", "phone"] as const;

/** Channels whose conversations an assistant can answer (web push only notifies). */
export const answerable = (channels: Channel[]) => channels.filter((c) => c.type !== "web_push");

/** A contact field's label: the built-in ones translated, custom ones as the workspace named them. */
export function fieldLabel(key: string, fields: ContactField[]) {
  if ((BUILT_IN_FIELDS as readonly string[]).includes(key)) return t(`assistants.field.${key}`);
  return fields.find((f) => f.key === key)?.label ?? key;
}

/** The server's refusal of a channel another assistant has, in the agent's language. */
export function channelError(message: string | undefined) {
  const taken = message?.match(/assistant “(.+)” already answers/);
  return taken ? t("assistants.channelTaken", { name: taken[1] ?? "" }) : message;
}

/** The server's refusal of a team another assistant has, in the agent's language. */
export function teamError(message: string | undefined) {
  const taken = message?.match(/assistant “(.+)” already answers/);
  return taken ? t("assistants.teamTaken", { name: taken[1] ?? "" }) : message;
}

/** What the form edits: the numbers and messages as typed. */
export type Draft = Omit<AssistantBody, "max_turns" | "handoff_message" | "no_handoff_message"> & {
  max_turns: string;
  handoff_message: string;
  no_handoff_message: string;
};

export const draftOf = (assistant: Assistant | null): Draft => ({
  name: assistant?.name ?? "",
  enabled: assistant?.enabled ?? true,
  instructions: assistant?.instructions ?? "",
  channel_ids: assistant?.channel_ids ?? [],
  team_ids: assistant?.team_ids ?? [],
  team_id: assistant?.team_id ?? null,
  activation: assistant?.activation ?? "always",
  keywords: assistant?.keywords ?? [],
  handoff_enabled: assistant?.handoff_enabled ?? true,
  handoff_message: assistant?.handoff_message ?? "",
  no_handoff_message: assistant?.no_handoff_message ?? "",
  max_turns: String(assistant?.max_turns ?? 10),
  collect_fields: assistant?.collect_fields ?? [],
  resolve_closes: assistant?.resolve_closes ?? true,
});

/** A whole number as a number; anything else as typed, for the API to refuse at its field. */
const wholeOrAsTyped = (text: string) => (/^\d+$/.test(text.trim()) ? Number(text) : text);

/** The body to send; an empty message on a new assistant leaves the standard one. */
export function bodyOf(draft: Draft, isNew: boolean): AssistantBody {
  const { max_turns, handoff_message, no_handoff_message, ...rest } = draft;
  const message = (text: string) => (isNew && text.trim() === "" ? undefined : text);
  return {
    ...rest,
    max_turns: wholeOrAsTyped(max_turns) as number,
    handoff_message: message(handoff_message),
    no_handoff_message: message(no_handoff_message),
  };
}
