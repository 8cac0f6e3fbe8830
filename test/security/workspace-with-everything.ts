import { env } from "cloudflare:workers";
import { createDb } from "../../worker/db/client";
import { storeCall } from "../../worker/domain/ai/calls";
import { recordUsage } from "../../worker/domain/ai/usage";
import { deliveryOf, eventually, fakeUrl, uniqueDigits } from "../channel-helpers";
import { api, json, newWorkspace, visitorSays, visitorSession } from "../helpers";
import { browserSubscription, subscribeRequest } from "../web-push-helpers";

/** Path parameters that are not ids: every fixture has a conversation label and a contact tag. */
export const PATH_VALUES: Record<string, string> = {
  label: "vip",
  tag: "vip",
  key: "sales-round-robin",
};
const LABEL = "vip";

async function created<T = { id: string }>(
  cookie: string,
  path: string,
  body: unknown,
  method = "POST",
): Promise<T> {
  const response = await api(path, { cookie, method, body });
  if (response.status >= 300)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return json<T>(response);
}

/**
 * A workspace holding one of every kind of object the API names by id, each named with
 * `marker` so an answer that leaks one of them shows it. `ids` lists them by the id prefix the
 * OpenAPI document gives each path parameter (`cv_…`, `team_…`): a route whose prefix is
 * missing here has no fixture, and the IDOR matrix fails on it.
 */
export async function workspaceWithEverything(label: string) {
  const ws = await newWorkspace(label);
  const marker = `${label}-${uniqueDigits(10)}`;
  const cookie = ws.ownerCookie;
  const admin = await ws.addMember("admin");
  const agent = await ws.addMember("agent");

  const hours = await created(cookie, "/api/v1/business-hours", {
    name: marker,
    timezone: "Europe/Madrid",
    weekly: [{ day: 1, open: "09:00", close: "17:00" }],
  });
  const team = await created(cookie, "/api/v1/teams", {
    name: marker,
    member_ids: [agent.id],
    business_hours_id: hours.id,
  });
  await created(
    cookie,
    "/api/v1/workspace/settings",
    { business_hours_id: hours.id, close_reasons: [marker] },
    "PATCH",
  );
  const field = await created(cookie, "/api/v1/contact-fields", {
    key: "plan",
    label: marker,
    type: "text",
  });
  const contact = await created(cookie, "/api/v1/contacts", {
    name: marker,
    phone: `+1650555${uniqueDigits(4)}`,
    custom_fields: { plan: marker },
  });
  await created(cookie, `/api/v1/contacts/${contact.id}/tags`, { tags: [LABEL] });
  const snippet = await created(cookie, "/api/v1/snippets", {
    shortcut: "hello",
    title: marker,
    body: `Hello {{contact.first_name|there}}, ${marker}`,
  });
  const key = await created(cookie, "/api/v1/api-keys", { name: marker });
  const catalogueLabel = await created(cookie, "/api/v1/labels", {
    name: LABEL,
    colour: "#2f5bea",
  });
  const invitation = await created<{ id: string; token: string }>(cookie, "/api/v1/invitations", {
    email: `${marker}@example.com`,
    role: "agent",
  });

  const webchat = await created(cookie, "/api/v1/channels", { type: "webchat", name: marker });
  const whatsapp = await created(cookie, "/api/v1/channels", {
    type: "whatsapp",
    name: marker,
    config: {
      phone_number_id: uniqueDigits(15),
      waba_id: uniqueDigits(15),
      access_token: `token-${marker}`,
      app_secret: `secret-${marker}`,
      verify_token: `verify-${marker}`,
      api_base_url: fakeUrl(),
    },
  });
  await created(cookie, `/api/v1/channels/${whatsapp.id}/routing`, { team_id: team.id }, "PUT");
  const mail = await created(cookie, "/api/v1/channels", {
    type: "email",
    name: marker,
    config: {
      inbound_address: `${marker}@inbound.example.com`,
      provider: "resend",
      api_key: `key-${marker}`,
      from_accounts: [{ area: "all", from: `${marker}@example.com` }],
      api_base_url: fakeUrl(),
    },
  });
  await created(
    cookie,
    "/api/v1/reports/email-schedule",
    { channel_id: mail.id, recipient_ids: [admin.id], time: "09:00", enabled: false },
    "PUT",
  );
  const push = await created(cookie, "/api/v1/channels", {
    type: "web_push",
    name: marker,
    config: { subject: `mailto:${marker}@example.com`, push_service_base_url: fakeUrl() },
  });

  const visitor = await visitorSession(webchat.id, { name: marker });
  const { conversation_id: conversationId } = await visitorSays(visitor.token, `${marker} hello`);
  const pushSubscription = (await browserSubscription()).json;
  const subscribed = await subscribeRequest(visitor.token, {
    channel_id: push.id,
    subscription: pushSubscription,
  });
  if (subscribed.status !== 201) throw new Error(`subscribe: ${await subscribed.text()}`);
  const reply = await created(cookie, `/api/v1/conversations/${conversationId}/messages`, {
    text: `${marker} reply`,
  });
  await created(cookie, `/api/v1/conversations/${conversationId}/messages`, {
    text: `${marker} note`,
    private: true,
  });
  await created(cookie, `/api/v1/conversations/${conversationId}/labels`, { labels: [LABEL] });

  const savedView = await created(await admin.login(), "/api/v1/saved-views", {
    name: marker,
    filters: { view: "my_teams", team_id: team.id, label: LABEL },
  });

  const savedFilter = await created(
    await admin.login(),
    "/api/v1/outbound-messages/saved-filters",
    {
      name: marker,
      filters: { status: "failed", channel_id: webchat.id, contact_id: contact.id },
    },
  );

  const automation = await created(cookie, "/api/v1/automations", {
    name: marker,
    trigger: { type: "message.received", keywords: [marker] },
    steps: [{ type: "add_tag", tag: LABEL }],
  });
  const run = await created(cookie, `/api/v1/automations/${automation.id}/runs`, {
    contact_id: contact.id,
  });

  const segment = await created(cookie, "/api/v1/segments", {
    name: marker,
    rules: { groups: [{ rules: [{ type: "channel", operator: "has", channel_id: webchat.id }] }] },
  });

  const messageTemplate = await created(cookie, "/api/v1/message-templates", {
    name: marker,
    channel_kind: "webchat",
    body: `Hello %first_name%, ${marker}`,
  });

  const broadcast = await created(cookie, "/api/v1/broadcasts", {
    name: marker,
    channel_id: whatsapp.id,
    audience: { segment_id: segment.id, contact_ids: [contact.id] },
    message: { snippet_id: snippet.id },
  });

  // far ahead, so that it never goes out while the matrix runs
  const sequence = await created<{ id: string; data: { id: string }[] }>(
    cookie,
    "/api/v1/scheduled-messages/sequences",
    {
      contact_id: contact.id,
      channel_id: webchat.id,
      start_at: new Date(Date.now() + 365 * 86_400_000).toISOString(),
      business_hours: { hours_id: hours.id },
      steps: [{ delay_minutes: 0, message: { text: `${marker} reminder` } }],
    },
  );

  // the AI provider (its model named with the marker) and a call it was paid for
  await created(
    cookie,
    "/api/v1/ai/settings",
    {
      enabled: true,
      base_url: `${fakeUrl()}/openai/${marker}/v1`,
      model: marker,
      api_key: `sk-${marker}`,
      monthly_token_budget: 1_000_000,
    },
    "PUT",
  );
  await recordUsage(
    createDb(env.DB),
    ws.id,
    { conversationId, feature: "assistant", model: marker, promptTokens: 10, completionTokens: 5 },
    Date.now(),
  );
  await storeCall(
    createDb(env.DB),
    {
      workspaceId: ws.id,
      conversationId,
      feature: "assistant",
      model: marker,
      messages: [{ role: "user", content: `${marker} hello` }],
      answer: marker,
      usageId: null,
      promptTokens: 10,
      completionTokens: 5,
      durationMs: 40,
      outcome: "ok",
      redact: false,
    },
    Date.now(),
  );
  const knowledge = await created(cookie, "/api/v1/knowledge/sources", {
    kind: "text",
    title: marker,
    text: `# ${marker}\n\nWhat the assistant knows about ${marker}.`,
  });

  const assistant = await created(cookie, "/api/v1/ai/assistants", {
    name: marker,
    instructions: `Speak of ${marker}.`,
    channel_ids: [webchat.id],
  });

  // last, so that only the contact change below is delivered
  const subscription = await created(cookie, "/api/v1/webhook-subscriptions", {
    url: `${fakeUrl()}/hooks/${marker}`,
    events: ["contact.updated"],
    description: marker,
  });
  await created(cookie, `/api/v1/contacts/${contact.id}`, { language: "es" }, "PATCH");
  const delivery = await deliveryOf(
    cookie,
    subscription.id,
    (d) => d.state === "succeeded",
    "the webhook delivery",
  );
  await settled(conversationId, cookie);
  // an export finished before the matrix looks, so its row no longer changes
  const dataExport = await created(cookie, "/api/v1/exports", { kind: "contacts" });
  await eventually(async () => {
    const now = await json<{ status: string }>(
      await api(`/api/v1/exports/${dataExport.id}`, { cookie }),
    );
    return now.status === "done";
  }, "the export");

  // an import left uploaded, so its row no longer changes
  const upload = await api("/api/v1/contact-imports", {
    cookie,
    rawBody: `name,phone\n${marker},+1650555${uniqueDigits(4)}\n`,
    headers: { "content-type": "text/csv" },
  });
  if (upload.status !== 201) throw new Error(`contact import: ${await upload.text()}`);
  const contactImport = await json<{ id: string }>(upload);

  return {
    ...ws,
    marker,
    admin,
    agent,
    visitor,
    conversationId,
    webchatId: webchat.id,
    pushChannelId: push.id,
    /** Named by the report e-mail schedule only, like the push channel by the push routes. */
    emailChannelId: mail.id,
    /** The visitor's browser subscription to the web push channel. */
    pushSubscription,
    /** The pending invitation's one-time token: a credential, not an id. */
    invitationToken: invitation.token,
    ids: {
      ws: [ws.id],
      usr: [agent.id, ws.owner.id],
      key: [key.id],
      inv: [invitation.id],
      ct: [contact.id],
      fld: [field.id],
      // the web push channel is named by the push routes only (pushChannelId): listing it here
      // would add a third channel to every route that takes channel ids
      ch: [webchat.id, whatsapp.id],
      cv: [conversationId],
      msg: [reply.id],
      snp: [snippet.id],
      sv: [savedView.id],
      sf: [savedFilter.id],
      lab: [catalogueLabel.id],
      team: [team.id],
      bh: [hours.id],
      whk: [subscription.id],
      dlv: [delivery.id],
      aut: [automation.id],
      run: [run.id],
      seg: [segment.id],
      exp: [dataExport.id],
      imp: [contactImport.id],
      brd: [broadcast.id],
      mtpl: [messageTemplate.id],
      sch: sequence.data.map((m) => m.id),
      seq: [sequence.id],
      kns: [knowledge.id],
      ast: [assistant.id],
    } as Record<string, string[]>,
  };
}

export type Fixture = Awaited<ReturnType<typeof workspaceWithEverything>>;

/** Until every message of the conversation object is in D1's projection. */
async function settled(conversationId: string, cookie: string) {
  await eventually(async () => {
    const { last_seq: lastSeq } = await json<{ last_seq: number }>(
      await api(`/api/v1/conversations/${conversationId}`, { cookie }),
    );
    const row = await env.DB.prepare(
      "SELECT count(*) AS n, max(seq) AS last FROM messages WHERE conversation_id = ?",
    )
      .bind(conversationId)
      .first<{ n: number; last: number }>();
    return lastSeq > 0 && row?.n === lastSeq && row.last === lastSeq;
  }, "the conversation's projection");
}

/**
 * Every D1 row of the workspace: rows of tables with a workspace_id, rows of its channels in
 * tables keyed by channel only, its members' user rows and the workspace itself.
 */
export async function rowsOf(fixture: Fixture): Promise<Record<string, unknown[]>> {
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE 'd1_%'",
  ).all<{ name: string }>();
  const channelIds = fixture.ids.ch ?? [];
  const queries: [string, D1PreparedStatement][] = [];
  for (const { name } of tables.results) {
    const columns = await env.DB.prepare(`PRAGMA table_info("${name}")`).all<{ name: string }>();
    const has = (column: string) => columns.results.some((c) => c.name === column);
    if (has("workspace_id"))
      queries.push([
        name,
        env.DB.prepare(`SELECT * FROM "${name}" WHERE workspace_id = ? ORDER BY rowid`).bind(
          fixture.id,
        ),
      ]);
    else if (has("channel_id"))
      queries.push([
        name,
        env.DB.prepare(
          `SELECT * FROM "${name}" WHERE channel_id IN (${channelIds.map(() => "?").join(",")}) ORDER BY rowid`,
        ).bind(...channelIds),
      ]);
  }
  queries.push(
    [
      "users",
      env.DB.prepare(
        "SELECT u.* FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.workspace_id = ? ORDER BY u.id",
      ).bind(fixture.id),
    ],
    ["workspaces", env.DB.prepare("SELECT * FROM workspaces WHERE id = ?").bind(fixture.id)],
  );
  const results = await env.DB.batch(queries.map(([, query]) => query));
  return Object.fromEntries(queries.map(([name], i) => [name, results[i]?.results ?? []]));
}
