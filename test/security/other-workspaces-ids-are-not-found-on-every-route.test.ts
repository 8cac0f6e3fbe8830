import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { api, json } from "../helpers";
import {
  type Fixture,
  PATH_VALUES,
  rowsOf,
  workspaceWithEverything,
} from "./workspace-with-everything";

/**
 * The IDOR matrix. Every route the app serves is called with workspace A's credentials (an
 * admin's session and an admin API key, or A's visitor token on the widget API) and workspace
 * B's ids, one at a time: in each path parameter, and in each body or query field that names an
 * object. B's id must be answered exactly as an id that exists nowhere (404 in a path, 404 or
 * 422 in a body), show nothing of B, and change none of B's rows.
 *
 * Routes come from the app's route table and their parameters from the OpenAPI document, so a
 * new route is in the matrix the day it is added: if the fixture has no object of its kind, or
 * no valid body is given for it below, its test fails.
 */

const app = createApp();
const document = app.getOpenAPI31Document({
  openapi: "3.1.0",
  info: { title: "Conversa API", version: "1" },
});

type Schema = {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
type Parameter = { name: string; in: string; schema?: { example?: unknown }; example?: unknown };
type Operation = {
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};

/** Routes that take no id anywhere: nothing of another workspace can be named through them. */
const ROUTES_WITHOUT_IDS = new Set([
  "GET /api/v1/me",
  "PATCH /api/v1/me",
  "POST /api/v1/me/password",
  "PUT /api/v1/me/presence",
  "GET /api/v1/users",
  "GET /api/v1/invitations",
  "POST /api/v1/invitations",
  "GET /api/v1/api-keys",
  "POST /api/v1/api-keys",
  "POST /api/v1/contacts",
  "GET /api/v1/contact-tags",
  "GET /api/v1/contact-fields",
  "POST /api/v1/contact-fields",
  "GET /api/v1/channels",
  "POST /api/v1/channels",
  "GET /api/v1/realtime",
  "GET /api/v1/search/messages",
  "GET /api/v1/snippets",
  "GET /api/v1/saved-views",
  "POST /api/v1/snippets",
  "GET /api/v1/labels",
  "POST /api/v1/labels",
  "GET /api/v1/workspace/settings",
  "GET /api/v1/teams",
  "GET /api/v1/business-hours",
  "POST /api/v1/business-hours",
  "GET /api/v1/webhook-subscriptions",
  "POST /api/v1/webhook-subscriptions",
  "GET /api/v1/audit-log/facets",
  "GET /api/v1/automations",
  "GET /api/v1/automation-templates",
  "GET /api/v1/segments",
  "GET /api/v1/reports/overview",
  "GET /api/v1/reports/consolidated",
  "GET /api/v1/reports/teams",
  "GET /api/v1/reports/labels",
  "GET /api/v1/reports/email-schedule",
  "POST /api/v1/reports/email-schedule/send-test",
  "GET /api/v1/reports/broadcasts",
  "GET /api/v1/reports/automations",
  "GET /api/v1/reports/ai",
  "GET /api/v1/reports/contacts",
  "GET /api/v1/exports",
  "GET /api/v1/contact-imports",
  "POST /api/v1/contact-imports",
  "POST /api/v1/reports/rebuild",
  "GET /api/v1/outbound-messages/saved-filters",
  "GET /api/v1/broadcasts",
  "GET /api/v1/message-templates",
  "POST /api/v1/message-templates",
  "GET /api/v1/automation-settings",
  "GET /api/v1/knowledge/sources",
  "POST /api/v1/knowledge/sources",
  "POST /api/v1/knowledge/sources/file",
  "POST /api/v1/knowledge/sources/qa-csv",
  "GET /api/v1/knowledge/search",
  "PATCH /api/v1/automation-settings",
  "GET /api/v1/ai/settings",
  "PUT /api/v1/ai/settings",
  "GET /api/v1/ai/usage",
  "GET /api/v1/ai/assistants",
  "POST /widget/v1/attachments",
  "PATCH /widget/v1/contact",
  "GET /widget/v1/conversations",
]);

/** Routes without workspace credentials, and why another workspace's id is no secret there. */
const PUBLIC_ROUTES: Record<string, string> = {
  "GET /health": "no data",
  "GET /api/docs": "no data",
  "GET /api/docs/{file}": "no data",
  "GET /api/v1/openapi.json": "no data",
  "POST /api/v1/auth/login": "no workspace yet",
  "POST /api/v1/auth/logout": "ends the caller's own session",
  "POST /api/v1/auth/accept-invite": "the token is the credential",
  "POST /api/v1/auth/invitation": "the token is the credential",
  "GET /widget/v1/channels/{id}": "a web-chat channel's look is public: any site may embed it",
  "POST /widget/v1/sessions": "any visitor may start a session on any web-chat channel",
  "GET /demo": "shows a web-chat channel's public widget",
  "GET /files/*": "a signed link is the credential",
  "GET /webhooks/{platform}/{id}": "the channel's own verify token is the credential",
  "POST /webhooks/{platform}/{id}": "the channel's own signing secret is the credential",
  "POST /webhooks/twilio/{id}/status": "the channel's own signing secret is the credential",
  "POST /webhooks/automations/{token}":
    "the automation's unguessable URL token (and its signing secret, when set) is the credential",
  "GET /l/{code}":
    "a broadcast's short link: its unguessable code is all it takes, and it only redirects",
};

/**
 * Routes that name another workspace's object by a secret token, not an id: the token is the
 * credential, and whoever holds it may learn that it is valid. Each is called below with B's
 * token by A's callers, who must be refused and change nothing of B.
 */
const ROUTES_NAMING_BY_TOKEN: Record<string, string> = {
  "POST /api/v1/invitations/accept":
    "an invitation's token, and only for the signed-in person it was sent to",
};

/** Body and query fields that end in _id without naming one of our objects (the caller's or a platform's ids). */
const NOT_REFERENCES = new Set([
  "client_message_id",
  "platform_id",
  "phone_number_id",
  "waba_id",
  "page_id",
]);

/** What a field naming an object refers to, as the prefix of its ids. */
const REFERENCE_KINDS: Record<string, string> = {
  workspace_id: "ws",
  channel_id: "ch",
  contact_id: "ct",
  conversation_id: "cv",
  conversation_ids: "cv",
  user_id: "usr",
  assignee_id: "usr",
  agent_id: "usr",
  actor_id: "usr",
  member_ids: "usr",
  recipient_ids: "usr",
  team_ids: "team",
  mention_ids: "usr",
  team_id: "team",
  default_team_id: "team",
  business_hours_id: "bh",
  channel_ids: "ch",
  snippet_id: "snp",
  automation_id: "aut",
  segment_id: "seg",
  message_ids: "msg",
  contact_ids: "ct",
  message_template_id: "mtpl",
  hours_id: "bh",
  sequence_id: "seq",
};

let unique = 0;
const uploadForm = () => {
  const form = new FormData();
  form.append("file", new File(["hello"], "hello.txt", { type: "text/plain" }));
  return form;
};
type Request = {
  /** Who calls it, when the OpenAPI document does not say (a token in the query). */
  as?: "visitor";
  /** Success ends the caller's session: each call is made with a fresh one. */
  endsSession?: boolean;
  /** A valid body naming the caller's own objects (one that has `field`, when it is given). */
  body?: (own: Fixture, field?: string) => unknown;
  form?: () => FormData;
  query?: (own: Fixture, other: Fixture) => Record<string, string>;
};
const first = (own: Fixture, kind: string) => own.ids[kind]?.[0] ?? "";

/** An automation naming one of each kind of object its definition can name. */
const automationNaming = (own: Fixture) => {
  const rules = () => [
    { type: "channel", channel_ids: [first(own, "ch")] },
    { type: "business_hours", state: "open", business_hours_id: first(own, "bh") },
    { type: "agents_available", available: false, team_id: first(own, "team") },
  ];
  return {
    name: `matrix ${unique++}`,
    trigger: { type: "message.received", channel_ids: [first(own, "ch")] },
    conditions: { groups: [{ rules: rules() }] },
    steps: [
      { type: "send_message", snippet_id: first(own, "snp"), channel_id: first(own, "ch") },
      { type: "assign", user_id: first(own, "usr"), team_id: first(own, "team") },
      { type: "start_automation", automation_id: first(own, "aut") },
      { type: "branch", branches: [{ conditions: { groups: [{ rules: rules() }] }, steps: [] }] },
    ],
  };
};

/** A segment whose rules name one of the caller's channels. */
const segmentNaming = (own: Fixture, name?: string) => ({
  ...(name ? { name } : {}),
  rules: {
    groups: [{ rules: [{ type: "channel", operator: "has", channel_id: first(own, "ch") }] }],
  },
});

/** A saved message naming a snippet, or the message template when that is the field tried. */
const savedMessage = (own: Fixture, field?: string) =>
  field?.endsWith("message_template_id")
    ? { message_template_id: first(own, "mtpl") }
    : { snippet_id: first(own, "snp") };

/**
 * A broadcast on the caller's WhatsApp channel naming one of each kind of object it can: an
 * A/B test when the field tried is a variant's (a broadcast has a message or variants), its
 * message naming the message template when that is the field tried, else a snippet.
 */
const broadcastNaming = (own: Fixture, name?: string, field?: string) => {
  const message = savedMessage(own, field);
  return {
    ...(name ? { name } : {}),
    channel_id: own.ids.ch?.[1] ?? "",
    audience: { segment_id: first(own, "seg"), contact_ids: [first(own, "ct")] },
    ...(field?.startsWith("variants")
      ? {
          variants: [
            { key: "A", message },
            { key: "B", message: { text: "matrix" } },
          ],
          split: { sample_percent: 20, winner_by: "replies", decide_after_hours: 4 },
        }
      : { message }),
  };
};

/** A message scheduled far ahead into the caller's conversation, naming what it can. */
const scheduledNaming = (own: Fixture, field?: string) => ({
  contact_id: own.visitor.visitor_id,
  conversation_id: own.conversationId,
  channel_id: own.webchatId,
  send_at: new Date(Date.now() + 365 * 86_400_000).toISOString(),
  business_hours: { hours_id: first(own, "bh") },
  message: savedMessage(own, field),
});

/** What each route needs besides its ids, so a refusal can only come from the id. */
const REQUESTS: Record<string, Request> = {
  "GET /api/v1/audit-log": { query: (own) => ({ actor_id: first(own, "usr") }) },
  "PATCH /api/v1/users/{id}": {
    body: (own) => ({ role: "supervisor", capacity: 4, team_ids: [first(own, "team")] }),
  },
  "PATCH /api/v1/contacts/{id}": { body: () => ({ language: "fr" }) },
  "POST /api/v1/contacts/{id}/tags": { body: () => ({ tags: ["matrix"] }) },
  "PATCH /api/v1/contact-fields/{id}": { body: () => ({ label: "Matrix" }) },
  "PUT /api/v1/reports/email-schedule": {
    body: (own) => ({
      channel_id: own.emailChannelId,
      recipient_ids: [own.admin.id],
      time: "09:00",
      enabled: false,
    }),
  },
  "PATCH /api/v1/channels/{id}": { body: () => ({ name: "Matrix" }) },
  "POST /api/v1/channels/{id}/templates": {
    body: () => ({
      name: "matrix",
      language: "en_US",
      category: "UTILITY",
      body: "Your order {{1}} ships.",
    }),
  },
  "POST /api/v1/channels/{id}/test": { body: () => ({ to: "+16505550100" }) },
  "POST /api/v1/channels/{id}/check": { body: () => ({ to: "+16505550100" }) },
  "PUT /api/v1/channels/{id}/routing": {
    body: (own) => ({
      team_id: first(own, "team"),
      business_hours_id: first(own, "bh"),
      menu: {
        prompt: "Pick one",
        options: [{ key: "1", label: "Sales", team_id: first(own, "team") }],
        max_attempts: 2,
        default_team_id: first(own, "team"),
      },
    }),
  },
  "POST /api/v1/conversations/{id}/messages": {
    body: (own) => ({ text: "matrix", private: true, mention_ids: [first(own, "usr")] }),
  },
  "POST /api/v1/conversations/{id}/attachments": { form: uploadForm },
  "POST /api/v1/conversations/{id}/assign": { body: (own) => ({ user_id: first(own, "usr") }) },
  "POST /api/v1/conversations/{id}/status": { body: () => ({ status: "pending" }) },
  "POST /api/v1/conversations/{id}/labels": { body: () => ({ labels: ["matrix"] }) },
  "POST /api/v1/conversations/{id}/render": { body: () => ({ text: "Hi {{contact.name}}" }) },
  "POST /api/v1/contacts/{id}/render": { body: () => ({ text: "Hi {{contact.name}}" }) },
  "POST /api/v1/conversations/{id}/transfer": {
    body: (own) => ({ team_id: first(own, "team"), user_id: first(own, "usr") }),
  },
  "GET /api/v1/conversations": {
    query: (own) => ({
      channel_id: first(own, "ch"),
      contact_id: first(own, "ct"),
      assignee_id: first(own, "usr"),
      team_id: first(own, "team"),
    }),
  },
  "GET /api/v1/search/messages": { query: (_own, other) => ({ q: other.marker }) },
  "POST /api/v1/messages": {
    body: (own) => ({
      channel_id: own.webchatId,
      to: { contact_id: first(own, "ct") },
      text: "matrix",
    }),
  },
  "POST /api/v1/teams": {
    body: (own) => ({
      name: `matrix ${unique++}`,
      member_ids: [first(own, "usr")],
      business_hours_id: first(own, "bh"),
    }),
  },
  "PATCH /api/v1/teams/{id}": {
    body: (own) => ({ member_ids: [first(own, "usr")], business_hours_id: first(own, "bh") }),
  },
  "POST /api/v1/auth/switch-workspace": {
    body: (own) => ({ workspace_id: own.id }),
    endsSession: true,
  },
  "PATCH /api/v1/workspace/settings": {
    body: (own) => ({ business_hours_id: first(own, "bh") }),
  },
  "PATCH /api/v1/business-hours/{id}": {
    body: () => ({ name: "Matrix", closures: [{ from: "2031-01-01", to: "2031-01-02" }] }),
  },
  "PATCH /api/v1/snippets/{id}": { body: () => ({ title: "Matrix" }) },
  "POST /api/v1/saved-views": {
    body: (own) => ({ name: `matrix ${unique++}`, filters: { team_id: first(own, "team") } }),
  },
  "PATCH /api/v1/saved-views/{id}": {
    body: (own) => ({ filters: { team_id: first(own, "team") } }),
  },
  "GET /api/v1/reports/conversations": { query: () => ({ from: "2026-03-01", to: "2026-03-07" }) },
  "GET /api/v1/reports/busiest-hours": { query: () => ({ from: "2026-03-01", to: "2026-03-07" }) },
  "GET /api/v1/reports/agents": { query: () => ({ from: "2026-03-01", to: "2026-03-07" }) },
  "POST /api/v1/exports": {
    body: (own, field) =>
      field === "filters.segment_id"
        ? { kind: "contacts", filters: { segment_id: first(own, "seg") } }
        : { kind: "conversations", filters: { channel_id: first(own, "ch") } },
  },
  "PATCH /api/v1/contact-imports/{id}": { body: () => ({ policy: "skip" }) },
  "GET /api/v1/reports/csat": { query: () => ({ from: "2026-03-01", to: "2026-03-07" }) },
  "GET /api/v1/outbound-messages": {
    query: (own) => ({ channel_id: first(own, "ch"), contact_id: first(own, "ct") }),
  },
  "POST /api/v1/outbound-messages/resend": {
    body: (own) => ({ message_ids: [first(own, "msg")] }),
  },
  "POST /api/v1/outbound-messages/saved-filters": {
    body: (own) => ({
      name: `matrix ${unique++}`,
      filters: { channel_id: first(own, "ch"), contact_id: first(own, "ct") },
    }),
  },
  "PATCH /api/v1/outbound-messages/saved-filters/{id}": {
    body: (own) => ({ filters: { channel_id: first(own, "ch"), contact_id: first(own, "ct") } }),
  },
  "POST /api/v1/conversations/bulk": {
    body: (own) => ({
      action: "assign",
      conversation_ids: [own.conversationId],
      user_id: first(own, "usr"),
    }),
  },
  "PATCH /api/v1/labels/{id}": { body: () => ({ colour: "#000000" }) },
  "POST /api/v1/automations": { body: (own) => automationNaming(own) },
  "PATCH /api/v1/automations/{id}": { body: (own) => automationNaming(own) },
  "POST /api/v1/automations/{id}/deactivate": { body: () => ({ running: "finish" }) },
  "POST /api/v1/automation-templates/{key}/install": {
    body: (own) => ({ inputs: { channel_ids: [first(own, "ch")], team_id: first(own, "team") } }),
  },
  "POST /api/v1/automations/{id}/runs": {
    body: (own) => ({ contact_id: own.visitor.visitor_id, conversation_id: own.conversationId }),
  },
  "GET /api/v1/automations/{id}/runs": {
    query: (own) => ({ contact_id: own.visitor.visitor_id, conversation_id: own.conversationId }),
  },
  "GET /api/v1/contacts": { query: (own) => ({ segment_id: first(own, "seg") }) },
  "POST /api/v1/segments": { body: (own) => segmentNaming(own, `matrix ${unique++}`) },
  "PATCH /api/v1/segments/{id}": { body: (own) => segmentNaming(own) },
  "POST /api/v1/segments/preview": { body: (own) => segmentNaming(own) },
  "POST /api/v1/broadcasts": {
    body: (own, field) => broadcastNaming(own, `matrix ${unique++}`, field),
  },
  "PATCH /api/v1/broadcasts/{id}": { body: (own, field) => broadcastNaming(own, undefined, field) },
  "POST /api/v1/broadcasts/{id}/pick-winner": { body: () => ({ variant: "A" }) },
  "POST /api/v1/broadcasts/{id}/audience/csv": {
    form: () => {
      const form = new FormData();
      form.set("file", new File(["phone\n+12127365000\n"], "list.csv", { type: "text/csv" }));
      return form;
    },
  },
  "PATCH /api/v1/message-templates/{id}": { body: () => ({ area: "matrix" }) },
  "POST /api/v1/message-templates/{id}/preview": {
    body: (own) => ({ contact_id: first(own, "ct") }),
  },
  "POST /api/v1/message-templates/{id}/test-send": {
    body: (own) => ({ channel_id: first(own, "ch"), contact_id: first(own, "ct") }),
  },
  "GET /api/v1/scheduled-messages": {
    query: (own) => ({
      contact_id: own.visitor.visitor_id,
      conversation_id: own.conversationId,
      sequence_id: first(own, "seq"),
    }),
  },
  "POST /api/v1/scheduled-messages": { body: (own, field) => scheduledNaming(own, field) },
  "POST /api/v1/scheduled-messages/sequences": {
    body: (own, field) => {
      const { message, send_at: _, ...target } = scheduledNaming(own, field);
      return { ...target, steps: [{ delay_minutes: 60, message }] };
    },
  },
  "PATCH /api/v1/scheduled-messages/{id}": {
    body: (own, field) => ({
      message: savedMessage(own, field),
      business_hours: { hours_id: first(own, "bh") },
    }),
  },
  "PATCH /api/v1/webhook-subscriptions/{id}": { body: () => ({ active: true }) },
  "PATCH /api/v1/knowledge/sources/{id}": { body: () => ({ title: "Matrix" }) },
  // a disabled one, so that A's channel may be named again and again
  "POST /api/v1/ai/assistants": {
    body: (own) => ({
      name: `Matrix ${++unique}`,
      enabled: false,
      channel_ids: [first(own, "ch")],
      team_ids: [first(own, "team")],
      team_id: first(own, "team"),
    }),
  },
  "PATCH /api/v1/ai/assistants/{id}": {
    body: (own) => ({
      channel_ids: [first(own, "ch")],
      team_ids: [first(own, "team")],
      team_id: first(own, "team"),
    }),
  },
  "POST /api/v1/ai/assistants/{id}/test": {
    body: () => ({ messages: [{ role: "customer", text: "matrix" }] }),
  },
  "POST /api/v1/copilot/translate": {
    body: (own) => ({ text: "Hola", to: "en", conversation_id: own.conversationId }),
  },
  "POST /api/v1/copilot/rewrite": {
    body: (own) => ({ text: "Hi", tone: "shorter", conversation_id: own.conversationId }),
  },
  "POST /widget/v1/messages": {
    body: (own) => ({ text: "matrix", conversation_id: own.conversationId }),
  },
  "POST /widget/v1/conversations/{id}/survey": { body: () => ({ score: 4 }) },
  "POST /widget/v1/push-subscriptions": {
    body: (own) => ({ channel_id: own.pushChannelId, subscription: own.pushSubscription }),
  },
  "DELETE /widget/v1/push-subscriptions": {
    query: (own) => ({ channel_id: own.pushChannelId, endpoint: own.pushSubscription.endpoint }),
  },
  "GET /widget/v1/conversations/{id}/ws": {
    as: "visitor",
    query: (own) => ({ token: own.visitor.token }),
  },
};

type Route = { method: string; path: string; key: string; operation: Operation | undefined };

const routes: Route[] = [
  ...new Map(
    app.routes
      // wildcards are middleware (rate limits), except the files route
      .filter((r) => r.method !== "ALL" && (!r.path.includes("*") || r.path === "/files/*"))
      .map((r) => {
        const path = r.path.replace(/:(\w+)(\{[^}]*\})?/g, "{$1}");
        const operation = (document.paths?.[path] as Record<string, Operation> | undefined)?.[
          r.method.toLowerCase()
        ];
        return [
          `${r.method} ${path}`,
          { method: r.method, path, key: `${r.method} ${path}`, operation },
        ];
      }),
  ).values(),
];

/** Dotted paths of the fields of a schema, `[]` for array items. */
function fieldPaths(
  schema: Schema | undefined,
  prefix = "",
  seen = new Set<string>(),
  within: ReadonlySet<string> = new Set(),
): string[] {
  if (!schema) return [];
  if (schema.$ref) {
    // a schema inside itself (a step's branches hold steps) is walked once
    if (seen.has(schema.$ref + prefix) || within.has(schema.$ref)) return [];
    seen.add(schema.$ref + prefix);
    const name = schema.$ref.split("/").pop() ?? "";
    return fieldPaths(
      document.components?.schemas?.[name] as Schema,
      prefix,
      seen,
      new Set([...within, schema.$ref]),
    );
  }
  const nested = [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])];
  return [
    ...nested.flatMap((s) => fieldPaths(s, prefix, seen, within)),
    ...(schema.items
      ? [`${prefix}[]`, ...fieldPaths(schema.items, `${prefix}[]`, seen, within)]
      : []),
    ...Object.entries(schema.properties ?? {}).flatMap(([name, s]) => {
      const path = prefix ? `${prefix}.${name}` : name;
      return [path, ...fieldPaths(s, path, seen, within)];
    }),
  ];
}

const lastName = (path: string) => path.split(".").pop()?.replace(/\[\]$/, "") ?? "";
const isReference = (path: string) =>
  /_ids?(\[\])?$/.test(path) && !NOT_REFERENCES.has(lastName(path));

function kindOf(field: string, where: string): string {
  const kind = REFERENCE_KINDS[lastName(field)];
  if (!kind) throw new Error(`${where}: add what \`${field}\` refers to to REFERENCE_KINDS`);
  return kind;
}

type IdSlot = { in: "path" | "body" | "query"; name: string; kind: string | null };

/** Where a route takes ids: path parameters, and body or query fields that name objects. */
function idSlots(route: Route): IdSlot[] {
  const parameters = route.operation?.parameters ?? [];
  const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name = ""]) => {
    const parameter = parameters.find((p) => p.in === "path" && p.name === name);
    const example = String(parameter?.example ?? parameter?.schema?.example ?? "");
    const prefix = example.match(/^([a-z]+)_/)?.[1] ?? null;
    return { in: "path" as const, name, kind: prefix };
  });
  const inQuery = parameters
    .filter((p) => p.in === "query" && isReference(p.name))
    .map((p) => ({ in: "query" as const, name: p.name, kind: kindOf(p.name, route.key) }));
  const body = route.operation?.requestBody?.content["application/json"]?.schema;
  const fields = new Set(fieldPaths(body));
  // a list of ids is named by its items: `member_ids[]`
  const references = [...fields].filter((f) => isReference(f) && !fields.has(`${f}[]`));
  const inBody = references.map((path) => ({
    in: "body" as const,
    name: path,
    kind: kindOf(path, route.key),
  }));
  return [...inPath, ...inQuery, ...inBody];
}

/**
 * A copy of `body` with the field at `path` naming `id` (added to a list; in a list of objects,
 * the first item that has the next field: lists of steps mix kinds).
 */
function withReference(body: unknown, path: string, id: string): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  const steps = path.split(".");
  let node: Record<string, unknown> = copy;
  for (const [i, step] of steps.entries()) {
    const list = step.endsWith("[]");
    const name = step.replace(/\[\]$/, "");
    const last = i === steps.length - 1;
    if (!(name in node)) throw new Error(`the body given for this route lacks ${path}`);
    if (last && list) node[name] = [...(node[name] as unknown[]), id];
    else if (last) node[name] = id;
    else if (list) {
      const next = steps[i + 1]?.replace(/\[\]$/, "") ?? "";
      const items = node[name] as Record<string, unknown>[];
      node = items.find((item) => next in item) ?? (items[0] as Record<string, unknown>);
    } else node = node[name] as Record<string, unknown>;
  }
  return copy;
}

type Auth = { cookie?: string; key?: string; headers?: Record<string, string>; origin?: null };
type Caller = {
  name: string;
  /** The OpenAPI security scheme it authenticates with. */
  scheme: "session" | "bearer" | "visitor";
  auth: Auth;
  /** Fresh credentials of the same kind, for routes that end the ones they are called with. */
  renew?: () => Promise<Auth>;
};

let a: Fixture;
let b: Fixture;
let rowsOfB: string;
let conversationOfB: string;
let callers: { workspace: Caller[]; visitor: Caller[] };

beforeAll(async () => {
  [a, b] = await Promise.all([workspaceWithEverything("a"), workspaceWithEverything("b")]);
  const adminCookie = await a.admin.login();
  const keyResponse = await api("/api/v1/api-keys", {
    cookie: adminCookie,
    body: { name: "matrix", role: "admin" },
  });
  const { key } = await json<{ key: string }>(keyResponse);
  callers = {
    workspace: [
      {
        name: "admin session",
        scheme: "session",
        auth: { cookie: adminCookie },
        renew: async () => ({ cookie: await a.admin.login() }),
      },
      { name: "admin API key", scheme: "bearer", auth: { key } },
    ],
    visitor: [
      {
        name: "visitor token",
        scheme: "visitor",
        auth: { headers: { authorization: `Bearer ${a.visitor.token}` }, origin: null },
      },
    ],
  };
  rowsOfB = JSON.stringify(await rowsOf(b));
  conversationOfB = await messagesOfB();
}, 120_000);

/** B's conversation as its object holds it (D1 has only the projection). */
const messagesOfB = async () =>
  (
    await api(`/api/v1/conversations/${b.conversationId}/messages`, { cookie: b.ownerCookie })
  ).text();

function callersOf(route: Route): Caller[] {
  const schemes = (route.operation?.security ?? []).flatMap((s) => Object.keys(s));
  if (schemes.includes("visitor") || REQUESTS[route.key]?.as === "visitor") return callers.visitor;
  // a route documented for signed-in people only is called by them only
  if (schemes.length === 0) return callers.workspace;
  return callers.workspace.filter((caller) => schemes.includes(caller.scheme));
}

async function credentialsFor(route: Route, caller: Caller): Promise<Auth> {
  if (!REQUESTS[route.key]?.endsSession) return caller.auth;
  if (!caller.renew) throw new Error(`${route.key} ends sessions: ${caller.name} cannot renew`);
  return caller.renew();
}

/** Calls a route, waiting out rate limits (429 changes nothing and says when to retry). */
async function call(
  route: Route,
  caller: Caller,
  ids: Record<string, string>,
  options: {
    body?: unknown;
    form?: (() => FormData) | undefined;
    query?: Record<string, string> | undefined;
  },
) {
  const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(ids[name] ?? ""),
  );
  const query = options.query ? `?${new URLSearchParams(options.query)}` : "";
  const auth = await credentialsFor(route, caller);
  for (;;) {
    const response = await api(`${path}${query}`, {
      method: route.method,
      ...auth,
      ...(options.form ? { rawBody: options.form() } : { body: options.body }),
    });
    if (response.status !== 429) return { status: response.status, text: await response.text() };
    await new Promise((resolve) =>
      setTimeout(resolve, Number(response.headers.get("retry-after") ?? 1) * 1000),
    );
  }
}

const NOWHERE = (kind: string | null) => `${kind ?? "x"}_00000000000000000000000000`;
const allIdsOf = (fixture: Fixture) => Object.values(fixture.ids).flat();

/** B's answer must read like an id that exists nowhere's, and show nothing of B. */
function expectIndistinguishable(
  answer: { status: number; text: string },
  nowhere: { status: number; text: string },
  ids: [string, string],
) {
  const [idOfB, idNowhere] = ids;
  expect(answer.status).toBe(nowhere.status);
  expect(answer.text.replaceAll(idOfB, "ID")).toBe(nowhere.text.replaceAll(idNowhere, "ID"));
  expect(answer.text).not.toContain(b.marker);
  for (const id of allIdsOf(b)) if (id !== idOfB) expect(answer.text).not.toContain(id);
}

/** A 422 must be about the field that names B's object, not some other flaw of the request. */
function expectRefusedField(problem: string, field: string, where: string) {
  const escaped = field.replaceAll(".", "\\.").replaceAll("[]", "\\.\\d+");
  const pattern = new RegExp(`^${escaped}(\\.\\d+)?$`);
  const paths = (JSON.parse(problem) as { errors?: { path: string }[] }).errors?.map((e) => e.path);
  expect(paths, `${where}: ${problem}`).toEqual([expect.stringMatching(pattern)]);
}

async function expectBUnchanged(what: string) {
  expect(JSON.stringify(await rowsOf(b)), `${what} changed workspace B`).toBe(rowsOfB);
}

function ownPathIds(route: Route): Record<string, string> {
  return Object.fromEntries(
    idSlots(route)
      .filter((s) => s.in === "path")
      .map((s) => [s.name, s.kind ? first(a, s.kind) : (PATH_VALUES[s.name] ?? "")]),
  );
}

function requestOf(route: Route, field?: string) {
  const request = REQUESTS[route.key] ?? {};
  const needsBody = route.operation?.requestBody !== undefined;
  if (needsBody && !request.body && !request.form)
    throw new Error(`${route.key}: give a valid body for it in REQUESTS`);
  return {
    body: request.body?.(a, field),
    form: request.form,
    query: request.query?.(a, b),
  };
}

const matrixRoutes = routes.filter(
  (r) =>
    !(r.key in PUBLIC_ROUTES) &&
    !(r.key in ROUTES_NAMING_BY_TOKEN) &&
    !ROUTES_WITHOUT_IDS.has(r.key),
);
const routeOf = (key: string) => {
  const route = routes.find((r) => r.key === key);
  if (!route) throw new Error(`${key} is not served`);
  return route;
};

describe("IDOR matrix: workspace A names workspace B's objects", () => {
  it("covers every route: each takes an id, or is listed as taking none or as public", () => {
    const keys = new Set(routes.map((r) => r.key));
    const listedRoutes = [
      ...ROUTES_WITHOUT_IDS,
      ...Object.keys(PUBLIC_ROUTES),
      ...Object.keys(ROUTES_NAMING_BY_TOKEN),
    ];
    for (const listed of listedRoutes)
      expect(keys, `${listed} is listed but not served`).toContain(listed);
    for (const route of routes.filter((r) => ROUTES_WITHOUT_IDS.has(r.key)))
      expect(idSlots(route), `${route.key} takes ids: take it off ROUTES_WITHOUT_IDS`).toEqual([]);
    for (const route of matrixRoutes)
      expect(idSlots(route).length, `${route.key} takes no id: list it`).toBeGreaterThan(0);
    expect(matrixRoutes.length).toBeGreaterThan(40);
  });

  describe.each(matrixRoutes.map((r) => [r.key, r] as const))("%s", (_, route) => {
    let slots: IdSlot[];
    try {
      slots = idSlots(route);
    } catch (error) {
      it("is known to the matrix", () => {
        throw error;
      });
      return;
    }
    const pathSlots = slots.filter((s) => s.in === "path" && !(s.name in PATH_VALUES));
    const fieldSlots = slots.filter((s) => s.in !== "path");

    if (pathSlots.length > 0)
      it("answers B's ids in the path like ids that exist nowhere, and changes nothing of B", async () => {
        const request = requestOf(route);
        for (const caller of callersOf(route))
          for (const slot of pathSlots) {
            if (!slot.kind)
              throw new Error(
                `${route.key}: give {${slot.name}} an example id (IdParam) in its route`,
              );
            const kind = slot.kind;
            const ofB = b.ids[kind];
            if (!ofB?.length)
              throw new Error(`${route.key}: the fixture has no object of kind ${kind}`);
            for (const idOfB of ofB) {
              const where = `${caller.name}: ${route.key} with B's ${slot.name} ${idOfB}`;
              const answer = await call(
                route,
                caller,
                { ...ownPathIds(route), ...PATH_VALUES, [slot.name]: idOfB },
                request,
              );
              expect(answer.status, `${where}: ${answer.text}`).toBe(404);
              expect(JSON.parse(answer.text).detail, where).not.toMatch(/^No route/);
              await expectBUnchanged(where);
              const nowhere = await call(
                route,
                caller,
                { ...ownPathIds(route), ...PATH_VALUES, [slot.name]: NOWHERE(kind) },
                request,
              );
              expectIndistinguishable(answer, nowhere, [idOfB, NOWHERE(kind)]);
            }
          }
      });

    if (fieldSlots.length > 0)
      it("answers B's ids in body and query fields like ids that exist nowhere, and changes nothing of B", async () => {
        for (const caller of callersOf(route)) {
          const request = requestOf(route);
          const control = await call(route, caller, ownPathIds(route), request);
          expect(
            control.status,
            `${caller.name}: ${route.key} with A's own ids: ${control.text}`,
          ).toBeLessThan(300);
          for (const slot of fieldSlots) {
            const kind = slot.kind ?? "";
            for (const idOfB of b.ids[kind] ?? []) {
              const where = `${caller.name}: ${route.key} with B's ${kind} in ${slot.in} ${slot.name}`;
              const naming = (id: string) => {
                const fresh = requestOf(route, slot.name);
                return slot.in === "query"
                  ? { ...fresh, query: { ...fresh.query, [slot.name]: id } }
                  : { ...fresh, body: withReference(fresh.body, slot.name, id) };
              };
              const answer = await call(route, caller, ownPathIds(route), naming(idOfB));
              if (slot.in === "body")
                expect([404, 422], `${where}: ${answer.text}`).toContain(answer.status);
              else expect(answer.status, `${where}: ${answer.text}`).toBeLessThan(500);
              if (answer.status === 422) expectRefusedField(answer.text, slot.name, where);
              await expectBUnchanged(where);
              const nowhere = await call(route, caller, ownPathIds(route), naming(NOWHERE(kind)));
              expectIndistinguishable(answer, nowhere, [idOfB, NOWHERE(kind)]);
            }
          }
        }
      });
  });

  it("refuses B's invitation token to A's people, who were not invited, and changes nothing of B", async () => {
    const route = routeOf("POST /api/v1/invitations/accept");
    for (const caller of callersOf(route)) {
      const answer = await call(route, caller, {}, { body: { token: b.invitationToken } });
      expect(answer.status, `${caller.name}: ${answer.text}`).toBe(403);
      expect(answer.text).not.toContain(b.marker);
      await expectBUnchanged(`${caller.name}: accepting B's invitation`);
    }
  });

  it("refuses a switch to B like one to a workspace that does not exist, and A's session stays", async () => {
    // the matrix above compares the answers; this is about the caller's own session
    const cookie = await a.admin.login();
    const refused = await api("/api/v1/auth/switch-workspace", {
      cookie,
      body: { workspace_id: b.id },
    });
    expect(refused.status, await refused.text()).toBe(404);
    expect(refused.headers.get("set-cookie")).toBeNull();
    const me = await json<{ workspace: { id: string } }>(await api("/api/v1/me", { cookie }));
    expect(me.workspace.id).toBe(a.id);
    await expectBUnchanged("switching to B");
  });

  it("lists and searches show nothing of B", async () => {
    for (const route of routes.filter((r) => ROUTES_WITHOUT_IDS.has(r.key) && r.method === "GET"))
      for (const caller of callersOf(route)) {
        const answer = await call(route, caller, {}, { query: REQUESTS[route.key]?.query?.(a, b) });
        expect(answer.status, `${route.key}: ${answer.text}`).toBeLessThan(500);
        expect(answer.text).not.toContain(b.marker);
        for (const id of allIdsOf(b)) expect(answer.text, route.key).not.toContain(id);
      }
  });

  it("B's conversation object and rows are as they were after the whole matrix", async () => {
    const rows = JSON.parse(rowsOfB) as Record<string, unknown[]>;
    const filled = Object.keys(rows).filter((table) => (rows[table]?.length ?? 0) > 0);
    // the snapshot holds every kind of object the fixture made
    expect(filled).toEqual(
      expect.arrayContaining([
        "ai_assistants",
        "ai_calls",
        "ai_settings",
        "ai_usage",
        "api_keys",
        "automation_run_steps",
        "automation_runs",
        "automation_versions",
        "automations",
        "business_hours",
        "channels",
        "contact_fields",
        "contact_imports",
        "contact_tags",
        "contacts",
        "conversation_labels",
        "conversations",
        "invitations",
        "report_email_schedules",
        "saved_views",
        "scheduled_messages",
        "memberships",
        "messages",
        "snippets",
        "message_templates",
        "team_members",
        "teams",
        "users",
        "webhook_deliveries",
        "webhook_subscriptions",
        "workspaces",
      ]),
    );
    expect(JSON.parse(conversationOfB).data.length).toBeGreaterThan(2);
    expect(await messagesOfB()).toBe(conversationOfB);
    await expectBUnchanged("the matrix");
  });
});
