import type { components } from "../../../client/schema";
import { request } from "../../shared/api";

type Schemas = components["schemas"];
export type OutboundMessage = Schemas["OutboundMessage"];
export type OutboundPage = Schemas["OutboundMessagePage"];
export type Filters = Schemas["OutboundFilters"];
export type SavedFilter = Schemas["OutboundSavedFilter"];
export type ResendResult = Schemas["ResendResult"];
export type DeliveryStatus = NonNullable<OutboundMessage["status"]>;

export const PAGE_SIZE = 50;
export const STATUSES: DeliveryStatus[] = ["queued", "sent", "delivered", "read", "failed"];

/** Filters without their empty values, as the API and a saved filter take them. */
export const cleanFilters = (filters: Filters): Filters =>
  Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) as Filters;

export function listSent(filters: Filters, cursor: string | null) {
  const params = new URLSearchParams({
    ...(cleanFilters(filters) as Record<string, string>),
    limit: `${PAGE_SIZE}`,
  });
  if (cursor) params.set("cursor", cursor);
  return request<OutboundPage>(`/api/v1/outbound-messages?${params}`);
}

export const resend = (ids: string[]) =>
  request<{ results: ResendResult[] }>("/api/v1/outbound-messages/resend", {
    method: "POST",
    json: { message_ids: ids },
  }).then((r) => r.results);

const FILTERS = "/api/v1/outbound-messages/saved-filters";

export const savedFilters = () => request<{ data: SavedFilter[] }>(FILTERS).then((r) => r.data);

export const saveFilter = (name: string, filters: Filters) =>
  request<SavedFilter>(FILTERS, { method: "POST", json: { name, filters: cleanFilters(filters) } });

export const deleteFilter = (id: string) => request<void>(`${FILTERS}/${id}`, { method: "DELETE" });

export type Channel = Schemas["Channel"];
export const channelsOf = () =>
  request<{ data: Channel[] }>("/api/v1/channels").then((r) => r.data);
