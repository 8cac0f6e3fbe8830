import type { components } from "../../../client/schema";

export type Team = components["schemas"]["Team"];
export type User = NonNullable<components["schemas"]["User"]>;
export type Hours = components["schemas"]["BusinessHours"];

export type Draft = {
  name: string;
  member_ids: string[];
  assignment: Team["assignment"];
  business_hours_id: string;
  sla_first_response_minutes: string;
  sla_resolution_minutes: string;
  welcome_message: string;
  away_message: string;
  busy_message: string;
  /** member id → capacity as typed, for members whose capacity changes */
  capacities: Record<string, string>;
};
