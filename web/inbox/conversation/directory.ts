import type { components } from "../../../client/schema";
import { type Conversation, request } from "../../shared/api";

export type User = NonNullable<components["schemas"]["User"]>;
export type Team = { id: string; name: string };
export type Label = NonNullable<components["schemas"]["Label"]>;
export type ClosingRules = { close_reasons: string[]; require_close_note: boolean };

/** Who is who in the workspace: names for the ids in events, pickers for the action bar. */
export type Directory = {
  users: User[];
  teams: Team[];
  labels: Label[];
  rules: ClosingRules;
};

export const emptyDirectory: Directory = {
  users: [],
  teams: [],
  labels: [],
  rules: { close_reasons: [], require_close_note: false },
};

export const userName = (directory: Directory, id: unknown) =>
  directory.users.find((u) => u.id === id)?.name ?? null;

export const teamName = (directory: Directory, id: unknown) =>
  directory.teams.find((team) => team.id === id)?.name ?? null;

export const labelColour = (label: Label | undefined) => label?.colour ?? null;

/** POSTs a conversation action and hands back the conversation as it now is. */
export const act = (id: string, path: string, json: unknown) =>
  request<Conversation>(`/api/v1/conversations/${id}/${path}`, { method: "POST", json });
