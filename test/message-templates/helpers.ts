import { api, json, newWorkspace } from "../helpers";

export type TemplateDto = {
  id: string;
  name: string;
  channel_kind: string;
  area: string | null;
  language: string | null;
  body: string;
  subject: string | null;
  html: string | null;
  title: string | null;
  url: string | null;
  read_only: boolean;
  channel_id: string | null;
  status: string | null;
};

export const emailTemplate = (extra: Record<string, unknown> = {}) => ({
  name: "Invoice ready",
  channel_kind: "email",
  area: "billing",
  language: "en",
  subject: "Your invoice, %first_name%",
  body: "Hi %first_name%, your invoice is ready.",
  html: "<p>Hi <b>%first_name%</b>, your invoice is ready.</p>",
  ...extra,
});

export const postTemplate = (cookie: string, body: unknown) =>
  api("/api/v1/message-templates", { cookie, body });

export async function createTemplate(cookie: string, body: unknown) {
  const response = await postTemplate(cookie, body);
  if (response.status !== 201)
    throw new Error(`template failed: ${response.status} ${await response.text()}`);
  return json<TemplateDto>(response);
}

export async function listTemplates(cookie: string, query = "") {
  const response = await api(`/api/v1/message-templates${query}`, { cookie });
  if (response.status !== 200) throw new Error(`list failed: ${await response.text()}`);
  return (await json<{ data: TemplateDto[] }>(response)).data;
}

export async function newContact(cookie: string, body: Record<string, unknown>) {
  const response = await api("/api/v1/contacts", { cookie, body });
  if (response.status !== 201) throw new Error(`contact failed: ${await response.text()}`);
  return json<{ id: string }>(response);
}

export async function setup() {
  const ws = await newWorkspace();
  return { ws, cookie: ws.ownerCookie };
}
