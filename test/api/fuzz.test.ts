import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { fakeUrl, newChannel, uniqueDigits } from "../channel-helpers";
import { api, json, newWebchat, newWorkspace, visitorSays, visitorSession } from "../helpers";

const TABLES = [
  "contacts",
  "contact_tags",
  "contact_fields",
  "contact_identities",
  "memberships",
  "api_keys",
  "sessions",
  "invitations",
  "channels",
  "conversations",
  "conversation_labels",
  "messages",
  "teams",
  "team_members",
  "business_hours",
  "snippets",
  "saved_views",
  "webhook_subscriptions",
  "automations",
  "automation_versions",
  "automation_runs",
  "automation_run_steps",
  "automation_answers",
  "segments",
  "message_templates",
];

/** Sends leave `queued` in the outbound queue a moment after the answer; a later refusal must not see that. */
async function outboundSettled(workspaceId: string) {
  await vi.waitFor(
    async () => {
      const queued = await env.DB.prepare(
        "SELECT count(*) AS n FROM messages WHERE workspace_id = ? AND status = 'queued'",
      )
        .bind(workspaceId)
        .first<{ n: number }>();
      expect(queued?.n).toBe(0);
    },
    { timeout: 15_000, interval: 50 },
  );
}

/** Everything stored for the workspace (and its members' rows), in a stable order. */
async function snapshot(workspaceId: string) {
  const rows = await env.DB.batch(
    TABLES.map((table) =>
      env.DB.prepare(`SELECT * FROM ${table} WHERE workspace_id = ? ORDER BY 1, 2`).bind(
        workspaceId,
      ),
    ),
  );
  const users = await env.DB.prepare(
    "SELECT u.* FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.workspace_id = ? ORDER BY u.id",
  )
    .bind(workspaceId)
    .all();
  const files = await env.FILES.list({ prefix: `${workspaceId}/` });
  return JSON.stringify([
    ...rows.map((r) => r.results),
    users.results,
    files.objects.map((o) => o.key),
  ]);
}

const FIELD_NAMES = [
  "name",
  "phone",
  "email",
  "language",
  "timezone",
  "tags",
  "custom_fields",
  "consent",
  "key",
  "label",
  "type",
  "options",
  "role",
  "active",
  "password",
  "workspace_id",
  "current_password",
  "new_password",
  "token",
  "url",
  "events",
  "description",
  "menu",
  "team_id",
  "business_hours_id",
  "close_reasons",
  "require_close_note",
  "weekly",
  "closures",
  "to",
  "trigger",
  "conditions",
  "steps",
  "timing",
  "frequency",
  "running",
  "contact_id",
  "conversation_id",
];

/** Mostly object-shaped bodies with the fields the endpoints know, so validation runs deep. */
const bodies = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(fc.constantFrom(...FIELD_NAMES), fc.jsonValue(), { maxKeys: 6 }),
  fc.dictionary(
    fc.constantFrom(...FIELD_NAMES),
    fc.oneof(
      fc.string(),
      fc.constantFrom(
        "+16505550100",
        "a@b.co",
        "es",
        "Europe/Madrid",
        "select",
        "agent",
        "owner",
        "opted_in",
      ),
      fc.array(fc.string({ maxLength: 70 }), { maxLength: 60 }),
      fc.dictionary(fc.constantFrom("sms", "email", "fax", "balance", "plan"), fc.jsonValue()),
    ),
    { maxKeys: 5 },
  ),
);

describe("random JSON at the write endpoints", () => {
  it("never gets a 5xx, and a rejected request changes nothing", async () => {
    const ws = await newWorkspace();
    const agent = await ws.addMember("agent");
    const contact = await json<{ id: string }>(
      await api("/api/v1/contacts", {
        cookie: ws.ownerCookie,
        body: { name: "Fixture", phone: "+16505550111" },
      }),
    );
    const field = await json<{ id: string }>(
      await api("/api/v1/contact-fields", {
        cookie: ws.ownerCookie,
        body: { key: "plan", label: "Plan", type: "select", options: ["basic", "pro"] },
      }),
    );
    const channel = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(channel.id);
    const { conversation_id: conversationId } = await visitorSays(visitor.token, "fixture");
    const subscription = await json<{ id: string }>(
      await api("/api/v1/webhook-subscriptions", {
        cookie: ws.ownerCookie,
        body: { url: `${fakeUrl()}/hooks/fuzz`, events: ["contact.created"] },
      }),
    );
    const hours = await json<{ id: string }>(
      await api("/api/v1/business-hours", {
        cookie: ws.ownerCookie,
        body: { name: "Fixture", timezone: "Europe/Madrid", weekly: [] },
      }),
    );
    const automation = await json<{ id: string }>(
      await api("/api/v1/automations", {
        cookie: ws.ownerCookie,
        body: { name: "Fixture", trigger: { type: "manual" } },
      }),
    );
    const template = await json<{ id: string }>(
      await api("/api/v1/message-templates", {
        cookie: ws.ownerCookie,
        body: { name: "Fixture", channel_kind: "webchat", body: "Hi %first_name%" },
      }),
    );
    const endpoints: [string, string][] = [
      ["POST", "/api/v1/message-templates"],
      ["PATCH", `/api/v1/message-templates/${template.id}`],
      ["POST", `/api/v1/message-templates/${template.id}/preview`],
      ["POST", `/api/v1/message-templates/${template.id}/test-send`],
      ["POST", "/api/v1/automations"],
      ["PATCH", `/api/v1/automations/${automation.id}`],
      ["POST", `/api/v1/automations/${automation.id}/deactivate`],
      ["POST", `/api/v1/automations/${automation.id}/runs`],
      ["PATCH", "/api/v1/automation-settings"],
      ["POST", "/api/v1/segments"],
      ["POST", "/api/v1/segments/preview"],
      ["POST", "/api/v1/webhook-subscriptions"],
      ["PATCH", `/api/v1/webhook-subscriptions/${subscription.id}`],
      ["PUT", `/api/v1/channels/${channel.id}/routing`],
      ["POST", `/api/v1/channels/${channel.id}/check`],
      ["PATCH", "/api/v1/workspace/settings"],
      ["POST", "/api/v1/business-hours"],
      ["PATCH", `/api/v1/business-hours/${hours.id}`],
      ["POST", `/api/v1/conversations/${conversationId}/messages`],
      ["POST", `/api/v1/conversations/${conversationId}/assign`],
      ["POST", `/api/v1/conversations/${conversationId}/status`],
      ["POST", `/api/v1/conversations/${conversationId}/labels`],
      ["POST", "/api/v1/channels"],
      ["PATCH", `/api/v1/channels/${channel.id}`],
      ["PUT", "/api/v1/me/presence"],
      ["POST", "/widget/v1/sessions"],
      ["POST", "/api/v1/contacts"],
      ["PATCH", `/api/v1/contacts/${contact.id}`],
      ["POST", `/api/v1/contacts/${contact.id}/tags`],
      ["POST", "/api/v1/contact-fields"],
      ["PATCH", `/api/v1/contact-fields/${field.id}`],
      ["POST", "/api/v1/invitations"],
      ["POST", "/api/v1/invitations/accept"],
      ["PATCH", `/api/v1/users/${agent.id}`],
      ["PATCH", "/api/v1/me"],
      ["POST", "/api/v1/api-keys"],
      ["POST", "/api/v1/me/password"],
      ["POST", "/api/v1/auth/login"],
      ["POST", "/api/v1/auth/accept-invite"],
      ["POST", "/api/v1/auth/invitation"],
      ["POST", "/api/v1/auth/switch-workspace"],
    ];
    let before = await snapshot(ws.id);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...endpoints), bodies, async ([method, path], body) => {
        const response = await api(path, { method, cookie: ws.ownerCookie, body });
        expect(response.status, `${method} ${path} ${JSON.stringify(body)}`).toBeLessThan(500);
        const after = await snapshot(ws.id);
        if (response.status >= 400) {
          expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
          expect(after, `${method} ${path} ${JSON.stringify(body)} changed rows`).toBe(before);
        }
        before = after;
      }),
      { numRuns: 300 },
    );
  });

  it("sends, transfers, teams, snoozes, searches, variables and file paths: no 5xx, a refusal changes nothing", async () => {
    const ws = await newWorkspace();
    // API calls are limited per person: the requests are shared among a few owners
    const cookies = [ws.ownerCookie];
    for (let i = 0; i < 3; i++) cookies.push(await (await ws.addMember("owner")).login());
    const agent = await ws.addMember("agent");
    const contact = await json<{ id: string }>(
      await api("/api/v1/contacts", { cookie: ws.ownerCookie, body: { name: "Fixture" } }),
    );
    const team = await json<{ id: string }>(
      await api("/api/v1/teams", { cookie: ws.ownerCookie, body: { name: "Fixture team" } }),
    );
    const webchat = await newWebchat(ws.ownerCookie);
    const telegram = await newChannel(ws.ownerCookie, "telegram", {
      bot_token: `${uniqueDigits(10)}:AAF${uniqueDigits(20)}`,
      secret_token: "fuzz_secret",
      api_base_url: fakeUrl(),
    });
    const visitor = await visitorSession(webchat.id);
    const { conversation_id: conversationId } = await visitorSays(visitor.token, "fixture");

    const text = fc.oneof(
      { arbitrary: fc.constantFrom("hola", "Your code is 4921", "see you tomorrow"), weight: 3 },
      fc.string({ maxLength: 40 }),
      fc.string({ unit: "binary", maxLength: 20 }),
      fc.constantFrom(
        "",
        "\u0000",
        "a\nb\tc",
        "%__proto__%",
        "%constructor% %name%",
        "{{constructor}}",
        "{{contact.fields.constructor}}",
        "{{contact.first_name}}",
        "Hi {{contact.first_name|there}}",
        "{{agent.name}} \\{{",
      ),
    );
    // mostly a real id, so the checks after it run too
    const oneOf = (ids: string[]) =>
      fc.oneof(
        { arbitrary: fc.constantFrom(...ids), weight: 4 },
        fc.string({ maxLength: 70 }),
        fc.constant(null),
      );
    const people = [agent.id, ws.owner.id];
    // never a time within the next hour: a snooze that woke up mid-test would change rows
    const when = fc
      .date({ min: new Date(0), max: new Date("9999-12-31T23:59:59Z"), noInvalidDate: true })
      .filter((d) => d.getTime() < Date.now() || d.getTime() > Date.now() + 3_600_000)
      .map((d) => d.toISOString());
    const sometimes = <T>(value: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: value, weight: 3 }, fc.constant(undefined));
    const rarely = <T>(value: fc.Arbitrary<T>) =>
      fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, value);
    const partial = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) =>
      fc.oneof({ arbitrary: fc.record(fields, { requiredKeys: [] }), weight: 5 }, fc.jsonValue());
    const segment = fc.oneof(
      fc.string(),
      fc.stringMatching(/^(%[0-9A-Fa-f]{0,2}|[a-z0-9_.-]){1,12}$/),
    );

    type Call = { method: string; path: string; body?: unknown };
    const calls: fc.Arbitrary<Call> = fc.oneof(
      fc
        .oneof(
          {
            weight: 4,
            arbitrary: fc.record({
              channel_id: oneOf([webchat.id, telegram.id]),
              to: fc.oneof(
                { arbitrary: fc.record({ contact_id: oneOf([contact.id]) }), weight: 3 },
                {
                  arbitrary: fc.record({
                    platform_id: fc.oneof(fc.stringMatching(/^\d{5,12}$/), text),
                    name: sometimes(text),
                  }),
                  weight: 3,
                },
                partial({ phone: fc.constantFrom("+16505550100", "12", "abc"), email: text }),
              ),
              text: sometimes(text),
              template: rarely(
                partial({ name: text, variables: fc.array(text, { maxLength: 3 }) }),
              ),
              attachment: rarely(
                partial({
                  url: fc.constantFrom(
                    `${fakeUrl()}/nothing-here`,
                    `${fakeUrl()}/media/fuzz.jpg`,
                    "ftp://x/y",
                    "http://127.0.0.1:1/x",
                  ),
                  name: text,
                }),
              ),
            }),
          },
          fc.jsonValue(),
        )
        .map((body) => ({ method: "POST", path: "/api/v1/messages", body })),
      partial({ team_id: oneOf([team.id]), user_id: oneOf(people), note: text }).map((body) => ({
        method: "POST",
        path: `/api/v1/conversations/${conversationId}/transfer`,
        body,
      })),
      fc
        .tuple(
          fc.constantFrom(["POST", "/api/v1/teams"], ["PATCH", `/api/v1/teams/${team.id}`]),
          partial({
            name: text,
            member_ids: fc.array(
              fc.oneof(fc.constantFrom(...people), fc.string({ maxLength: 70 })),
              {
                maxLength: 150,
              },
            ),
            assignment: fc.constantFrom("manual", "round_robin", "nope"),
            welcome_message: text,
          }),
        )
        .map(([[method, path], body]) => ({ method, path, body }) as Call),
      partial({
        status: fc.constantFrom("open", "pending", "snoozed", "closed", "gone"),
        snooze_until: fc.oneof(when, text),
        reason: text,
        note: text,
      }).map((body) => ({
        method: "POST",
        path: `/api/v1/conversations/${conversationId}/status`,
        body,
      })),
      text.map((q) => ({
        method: "GET",
        path: `/api/v1/search/messages?q=${encodeURIComponent(q)}`,
      })),
      partial({ text }).map((body) => ({
        method: "POST",
        path: `/api/v1/conversations/${conversationId}/render`,
        body,
      })),
      partial({ shortcut: fc.constantFrom("a", "b-1", "BAD"), title: text, body: text }).map(
        (body) => ({ method: "POST", path: "/api/v1/snippets", body }),
      ),
      partial({
        name: text,
        filters: partial({
          view: fc.constantFrom("mine", "my_teams", "nope"),
          sort: fc.constantFrom("newest", "sla_due", "loud"),
          team_id: oneOf([team.id]),
          label: text,
        }),
      }).map((body) => ({ method: "POST", path: "/api/v1/saved-views", body })),
      partial({
        action: fc.constantFrom("assign", "label", "unlabel", "close", "explode"),
        conversation_ids: fc.array(oneOf([conversationId]), { maxLength: 120 }),
        user_id: oneOf(people),
        labels: fc.array(text, { maxLength: 3 }),
        reason: text,
      }).map((body) => ({ method: "POST", path: "/api/v1/conversations/bulk", body })),
      fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => ({
        method: "GET",
        path: `/files/${segments.map((s) => s.replace(/[?#]/g, "")).join("/")}?expires=9999999999999&sig=00`,
      })),
    );

    let before = await snapshot(ws.id);
    let turn = 0;
    await fc.assert(
      fc.asyncProperty(calls, async ({ method, path, body }) => {
        const cookie = cookies[turn++ % cookies.length];
        const response = await api(path, {
          method,
          cookie,
          ...(body === undefined ? {} : { body }),
        });
        const what = `${method} ${path} ${JSON.stringify(body)}`;
        expect(response.status, what).toBeLessThan(500);
        if (response.status < 400) await outboundSettled(ws.id);
        const after = await snapshot(ws.id);
        if (response.status >= 400) {
          expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
          expect(after, `${what} changed rows`).toBe(before);
        }
        before = after;
      }),
      { numRuns: 300 },
    );
  }, 120_000);

  it("raw garbage with a JSON content type is a 400, never a 5xx", async () => {
    const ws = await newWorkspace();
    await fc.assert(
      fc.asyncProperty(fc.string(), async (raw) => {
        const response = await api("/api/v1/contacts", {
          cookie: ws.ownerCookie,
          rawBody: raw,
          headers: { "content-type": "application/json" },
        });
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
  });
});
