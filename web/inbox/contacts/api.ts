import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import { formatPhone } from "../../shared/phone";
import { t } from "../../shared/ui";
import type { ExportRequest } from "../exports";

type Schemas = components["schemas"];
export type Contact = Schemas["Contact"];
export type ContactListItem = Schemas["ContactListItem"];
export type ContactPage = Schemas["ContactPage"];
export type ContactField = Schemas["ContactField"];
export type ContactIdentity = Schemas["ContactIdentity"];
export type Conversation = Schemas["Conversation"];
export type ConsentChannel = keyof Contact["consent"];
export type FieldValue = Contact["custom_fields"][string];

export type ListQuery = {
  q: string;
  tag: string;
  /** a saved segment's id, or "" */
  segment: string;
  fields: string[];
  sort: "created" | "name" | "last_activity";
  order: "asc" | "desc";
};

export const PAGE_SIZE = 50;

export function listContacts(query: ListQuery, cursor: string | null) {
  const params = new URLSearchParams({
    sort: query.sort,
    order: query.order,
    limit: `${PAGE_SIZE}`,
  });
  if (query.q.trim()) params.set("q", query.q.trim());
  if (query.tag) params.set("tag", query.tag);
  if (query.segment) params.set("segment_id", query.segment);
  for (const f of query.fields) params.append("field", f);
  if (cursor) params.set("cursor", cursor);
  return request<ContactPage>(`/api/v1/contacts?${params}`);
}

/** The list's search and filters as an export of contacts takes them. */
export function contactsExport(query: ListQuery): ExportRequest {
  return {
    kind: "contacts",
    filters: {
      ...(query.q.trim() ? { q: query.q.trim() } : {}),
      ...(query.tag ? { tag: query.tag } : {}),
      ...(query.segment ? { segment_id: query.segment } : {}),
      ...(query.fields.length ? { field: query.fields } : {}),
    },
  };
}

export const contactFields = () =>
  request<{ data: ContactField[] }>("/api/v1/contact-fields").then((r) => r.data);

export const contactTags = () =>
  request<{ data: { tag: string; count: number }[] }>("/api/v1/contact-tags").then((r) =>
    r.data.map((t) => t.tag),
  );

export const getContact = (id: string) => request<Contact>(`/api/v1/contacts/${id}`);

export const patchContact = (id: string, json: Record<string, unknown>) =>
  request<Contact>(`/api/v1/contacts/${id}`, { method: "PATCH", json });

export const createContact = (json: Record<string, unknown>) =>
  request<Contact>("/api/v1/contacts", { method: "POST", json });

export const deleteContact = (id: string) =>
  request<void>(`/api/v1/contacts/${id}`, { method: "DELETE" });

export const addTag = (id: string, tag: string) =>
  request<Contact>(`/api/v1/contacts/${id}/tags`, { method: "POST", json: { tags: [tag] } });

export const removeTag = (id: string, tag: string) =>
  request<Contact>(`/api/v1/contacts/${id}/tags/${encodeURIComponent(tag)}`, {
    method: "DELETE",
  });

export const conversationsOf = (id: string) =>
  request<{ data: Conversation[]; next_cursor: string | null }>(
    `/api/v1/contacts/${id}/conversations?limit=100`,
  );

export const identitiesOf = (id: string) =>
  request<{ data: ContactIdentity[] }>(`/api/v1/contacts/${id}/identities`).then((r) => r.data);

/** What to call a contact: their name, else how they can be reached. */
export const displayName = (c: {
  name: string | null;
  email: string | null;
  phone: string | null;
}) => c.name ?? c.email ?? (c.phone && formatPhone(c.phone)) ?? "—";

/** The server's objection to a phone or email, in the agent's language where it is a known one. */
export function identityError(message: string | undefined) {
  if (!message) return undefined;
  if (/valid phone/i.test(message)) return t("contacts.errors.phone");
  if (/^Another contact/i.test(message)) return t("contacts.errors.taken");
  return message;
}
