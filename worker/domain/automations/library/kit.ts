/** What every template of the automation library is made of, and the pieces they share. */
import type { z } from "@hono/zod-openapi";
import type { Conditions } from "../../../schemas/automation-rules";
import type { AutomationCreate } from "../../../schemas/automations";

/** Languages the library is written in; the app's others read it in English. */
export type LibraryLanguage = "en" | "es";
type Localized = Record<LibraryLanguage, string>;

export type InputKind =
  | "team"
  | "channels"
  | "label"
  | "field"
  | "tag"
  | "message"
  | "keywords"
  | "count"
  | "choice";

export type TemplateInput = {
  key: string;
  kind: InputKind;
  required: boolean;
  label: Localized;
  /** A sample answer in each language (texts, keywords, numbers, field keys). */
  default?: Record<LibraryLanguage, unknown>;
  min?: number;
  max?: number;
};

export type Inputs = Record<string, unknown>;
type Definition = Omit<z.input<typeof AutomationCreate>, "name" | "description">;

export type AutomationTemplate = {
  key: string;
  category: "routing" | "replies" | "surveys" | "follow_up" | "keywords";
  name: Localized;
  description: Localized;
  inputs: TemplateInput[];
  build: (inputs: Inputs) => Definition;
};

export const same = (value: unknown) => ({ en: value, es: value });
export const text = (value: unknown) => String(value);
export const one = (rule: Conditions["groups"][number]["rules"][number]): Conditions => ({
  match: "all",
  groups: [{ match: "all", rules: [rule] }],
});

export const TEAM: TemplateInput = {
  key: "team_id",
  kind: "team",
  required: true,
  label: { en: "Team", es: "Equipo" },
};
export const message = (key: string, en: string, es: string): TemplateInput => ({
  key,
  kind: "message",
  required: true,
  label: { en: "Message", es: "Mensaje" },
  default: { en, es },
});
