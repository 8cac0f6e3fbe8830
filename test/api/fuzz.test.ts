import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { api, json, newWebchat, newWorkspace, visitorSays, visitorSession } from "../helpers";

const TABLES = [
  "contacts",
  "contact_tags",
  "contact_fields",
  "memberships",
  "api_keys",
  "sessions",
  "invitations",
];

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
  return JSON.stringify([...rows.map((r) => r.results), users.results]);
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
    const endpoints: [string, string][] = [
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
