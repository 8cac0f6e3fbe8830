/// <reference types="vite/client" />
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { acrossWorkspaces, createDb } from "../../worker/db/client";
import { contacts, conversations, users } from "../../worker/db/schema";
import { assertScoped, inWorkspace, UnscopedQuery, WORKSPACE_TABLES } from "../../worker/db/scope";
import { newWorkspace } from "../helpers";

/**
 * The only files that may read across workspaces, each for a reason that finds the workspace
 * itself. Adding one is a security decision: say why beside it.
 */
const ALLOWED_ACROSS_WORKSPACES: Record<string, string> = {
  "worker/db/client.ts": "defines it",
  "worker/lib/auth.ts": "a session cookie names its workspace",
  "worker/domain/workspace/api-keys.ts": "an API key's secret names its workspace",
  "worker/domain/workspace/sessions.ts": "a person's own memberships and sessions span workspaces",
  "worker/domain/workspace/invitations.ts": "an invitation token names its workspace",
  "worker/domain/channels/channels.ts":
    "a channel id in a public URL (webhooks, widget) or an inbound job",
  "worker/email.ts": "an inbound email's address names its channel",
  "worker/domain/webhooks/delivery.ts": "a queued webhook delivery's id names its workspace",
  "worker/routes/demo.ts": "the local demo page shows the deployment's first web chat",
  "worker/domain/automations/runner.ts":
    "the periodic sweep finds stuck runs in every workspace; each wake-up names its workspace",
  "worker/domain/automations/webhook.ts":
    "an incoming webhook's URL token names its automation, and so its workspace",
  "worker/domain/automations/schedule.ts":
    "the cron tick finds every workspace's scheduled automations; each names its workspace",
  "worker/domain/broadcasts/due.ts":
    "the cron tick finds every workspace's due broadcasts and stuck sends; each names its workspace",
  "worker/domain/broadcasts/variants.ts":
    "the cron tick finds every workspace's A/B tests due a winner; each names its workspace",
  "worker/domain/broadcasts/links.ts":
    "a short link's unguessable code names its broadcast, and so its workspace",
  "worker/domain/knowledge/recrawl.ts":
    "the cron finds every workspace's knowledge pages due for a re-crawl; each names its workspace",
  "worker/domain/ai/calls-retention.ts":
    "the cron deletes every workspace's AI calls past the retention window, and reads nothing",
  "worker/domain/knowledge/embed-due.ts":
    "the cron finds every workspace's knowledge sources with chunks to embed; each names its workspace",
  "worker/domain/reports/after-upgrade.ts":
    "the cron finds a workspace whose report counters are behind the counting rules; the rebuild names it",
  "worker/domain/report-emails/due.ts":
    "the cron finds every workspace's enabled summary e-mails; each names its workspace",
  "worker/domain/scheduled-messages/fire.ts":
    "the safety net finds every workspace's overdue scheduled messages; each names its workspace",
};

const sources = import.meta.glob(["../../worker/**/*.ts", "../../durable-objects/**/*.ts"], {
  query: "?raw",
  import: "default",
  eager: true,
}) as Record<string, string>;

describe("every query on a workspace's rows names the workspace", () => {
  it("knows the tenant tables from the schema", () => {
    expect(WORKSPACE_TABLES.has("conversations")).toBe(true);
    expect(WORKSPACE_TABLES.has("contacts")).toBe(true);
    expect(WORKSPACE_TABLES.has("users")).toBe(false);
  });

  it("refuses reads, updates and deletes of tenant rows by id alone", () => {
    for (const statement of [
      'select "id" from "contacts" where "contacts"."id" = ?',
      'update "conversations" set "menu_attempts" = ? where "conversations"."id" = ?',
      'delete from "team_members" where "team_members"."team_id" = ?',
      'select "m"."id" from "messages" "m" join "conversations" on "conversations"."id" = "m"."conversation_id" where "m"."id" = ?',
    ]) {
      expect(() => assertScoped(statement), statement).toThrow(UnscopedQuery);
    }
  });

  it("lets through statements with a workspace condition, inserts and tables of no workspace", () => {
    for (const statement of [
      'select "id" from "contacts" where ("contacts"."workspace_id" = ? and "contacts"."id" = ?)',
      "SELECT m.id FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid WHERE m.workspace_id = ?2",
      'insert into "contacts" ("id", "workspace_id") values (?, ?)',
      'select "id" from "users" where "users"."email" = ?',
    ]) {
      expect(() => assertScoped(statement), statement).not.toThrow();
    }
  });

  it("refuses an unscoped query through the app's database, before it reaches D1", async () => {
    const ws = await newWorkspace();
    const db = createDb(env.DB);
    await expect(
      db.query.contacts.findFirst({ where: eq(contacts.id, "ct_anything") }),
    ).rejects.toThrow(UnscopedQuery);
    await expect(
      db.update(conversations).set({ unreadCount: 0 }).where(eq(conversations.id, "cv_x")),
    ).rejects.toThrow(UnscopedQuery);
    expect(
      await db.query.contacts.findFirst({
        where: inWorkspace(contacts, ws.id, eq(contacts.id, "ct_anything")),
      }),
    ).toBeUndefined();
    expect(await db.query.users.findFirst({ where: eq(users.id, "usr_nobody") })).toBeUndefined();
    expect(
      await acrossWorkspaces(db).query.contacts.findFirst({
        where: eq(contacts.id, "ct_anything"),
      }),
    ).toBeUndefined();
  });

  it("reads across workspaces only where a credential or public id names the workspace", () => {
    const callers = Object.entries(sources)
      .filter(([, text]) => /\bacrossWorkspaces\b/.test(text))
      .map(([path]) => path.replace(/^(\.\.\/)+/, ""))
      .sort();
    expect(callers).toEqual(Object.keys(ALLOWED_ACROSS_WORKSPACES).sort());
  });
});
