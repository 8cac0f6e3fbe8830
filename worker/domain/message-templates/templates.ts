import type { z } from "@hono/zod-openapi";
import { and, asc, eq, or, sql } from "drizzle-orm";
import type { AnySQLiteColumn } from "drizzle-orm/sqlite-core";
import { messageTemplates, type TemplateKind, whatsappTemplates } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { conflict, type FieldError, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { toIso } from "../../schemas/common";
import type {
  MessageTemplateCreate,
  MessageTemplateListQuery,
  MessageTemplatePatch,
  MessageTemplateSchema,
} from "../../schemas/message-templates";
import { listContactFields } from "../contacts/fields";
import { unknownVariables } from "../messaging/variables";
import { sanitizeHtml } from "./sanitize";

export type MessageTemplateRow = typeof messageTemplates.$inferSelect;
type WhatsappTemplateRow = typeof whatsappTemplates.$inferSelect;
type Dto = z.infer<typeof MessageTemplateSchema>;
type Create = z.infer<typeof MessageTemplateCreate>;
type Patch = z.infer<typeof MessageTemplatePatch>;

export const toMessageTemplateDto = (row: MessageTemplateRow): Dto => ({
  id: row.id,
  name: row.name,
  channel_kind: row.channelKind,
  area: row.area,
  language: row.language,
  body: row.body,
  subject: row.subject,
  html: row.html,
  title: row.title,
  url: row.url,
  read_only: false,
  channel_id: null,
  status: null,
  updated_at: toIso(row.updatedAt),
});

/** A template synced from Meta, shown beside the others and never changed here. */
const whatsappDto = (row: WhatsappTemplateRow): Dto => ({
  id: row.id,
  name: row.name,
  channel_kind: "whatsapp",
  area: row.category?.toLowerCase() ?? null,
  language: row.language,
  body: row.body,
  subject: null,
  html: null,
  title: null,
  url: null,
  read_only: true,
  channel_id: row.channelId,
  status: row.status,
  updated_at: toIso(row.updatedAt),
});

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Case-insensitive "contains", the user's % and _ taken literally. */
const contains = (column: AnySQLiteColumn, text: string) =>
  sql`lower(${column}) like ${`%${escapeLike(text.toLowerCase())}%`} escape '\\'`;

const sameText = (column: AnySQLiteColumn, text: string) =>
  sql`lower(${column}) = ${text.toLowerCase()}`;

type ListQuery = z.infer<typeof MessageTemplateListQuery>;

function ownFilters(query: ListQuery) {
  const t = messageTemplates;
  return and(
    query.channel_kind ? eq(t.channelKind, query.channel_kind) : undefined,
    query.area ? sameText(t.area, query.area) : undefined,
    query.q ? or(contains(t.name, query.q), contains(t.body, query.q)) : undefined,
  );
}

function whatsappFilters(query: ListQuery) {
  const t = whatsappTemplates;
  return and(
    query.area ? sameText(t.category, query.area) : undefined,
    query.q ? or(contains(t.name, query.q), contains(t.body, query.q)) : undefined,
  );
}

/** The workspace's templates, WhatsApp's synced ones included, by kind and name. */
export async function listMessageTemplates(
  db: Db,
  workspaceId: string,
  query: ListQuery,
): Promise<Dto[]> {
  const wantsOwn = query.channel_kind !== "whatsapp";
  const wantsWhatsapp = !query.channel_kind || query.channel_kind === "whatsapp";
  const [own, synced] = await Promise.all([
    wantsOwn
      ? db.query.messageTemplates.findMany({
          where: inWorkspace(messageTemplates, workspaceId, ownFilters(query)),
          orderBy: [asc(messageTemplates.channelKind), asc(messageTemplates.name)],
        })
      : [],
    wantsWhatsapp
      ? db.query.whatsappTemplates.findMany({
          where: inWorkspace(whatsappTemplates, workspaceId, whatsappFilters(query)),
          orderBy: [asc(whatsappTemplates.name), asc(whatsappTemplates.language)],
        })
      : [],
  ]);
  return [...own.map(toMessageTemplateDto), ...synced.map(whatsappDto)];
}

export async function getMessageTemplate(db: Db, workspaceId: string, id: string) {
  const row = await db.query.messageTemplates.findFirst({
    where: inWorkspace(messageTemplates, workspaceId, eq(messageTemplates.id, id)),
  });
  if (row) return row;
  await refuseSynced(db, workspaceId, id);
  throw notFound("Message template");
}

/** One template to read: the workspace's own, or one synced from Meta. */
export async function readMessageTemplate(db: Db, workspaceId: string, id: string): Promise<Dto> {
  const synced = await db.query.whatsappTemplates.findFirst({
    where: inWorkspace(whatsappTemplates, workspaceId, eq(whatsappTemplates.id, id)),
  });
  if (synced) return whatsappDto(synced);
  const row = await db.query.messageTemplates.findFirst({
    where: inWorkspace(messageTemplates, workspaceId, eq(messageTemplates.id, id)),
  });
  if (!row) throw notFound("Message template");
  return toMessageTemplateDto(row);
}

async function refuseSynced(db: Db, workspaceId: string, id: string) {
  const synced = await db.query.whatsappTemplates.findFirst({
    where: inWorkspace(whatsappTemplates, workspaceId, eq(whatsappTemplates.id, id)),
  });
  if (synced)
    throw conflict(
      "WhatsApp templates are synced from Meta: change them in WhatsApp Manager, then sync the channel.",
    );
}

type Parts = Pick<MessageTemplateRow, "body" | "subject" | "html" | "title" | "url">;

/** Which parts a kind has: email a subject and an HTML part, web push a title and a link. */
function kindErrors(kind: TemplateKind, parts: Parts): FieldError[] {
  const errors: FieldError[] = [];
  const refuse = (path: keyof Parts, message: string) => errors.push({ path, message });
  if (kind === "email" && !parts.subject) refuse("subject", "is required for email");
  if (kind === "web_push" && !parts.title) refuse("title", "is required for web push");
  if (kind !== "email") {
    if (parts.subject) refuse("subject", "is for email templates only");
    if (parts.html) refuse("html", "is for email templates only");
  }
  if (kind !== "web_push") {
    if (parts.title) refuse("title", "is for web push templates only");
    if (parts.url) refuse("url", "is for web push templates only");
  }
  return errors;
}

/** Every part's unknown variables, each under its own path. */
async function variableErrors(db: Db, workspaceId: string, parts: Parts) {
  const fieldKeys = (await listContactFields(db, workspaceId)).map((f) => f.key);
  return (["subject", "title", "body", "html"] as const).flatMap((path) => {
    const unknown = unknownVariables(parts[path] ?? "", fieldKeys);
    return unknown.length ? [{ path, message: `Unknown variable(s): ${unknown.join(", ")}` }] : [];
  });
}

/** The parts as they will be stored, checked: HTML sanitised, nothing unknown or misplaced. */
async function checkedParts(db: Db, workspaceId: string, kind: TemplateKind, parts: Parts) {
  const html = parts.html ? await sanitizeHtml(parts.html) : null;
  const clean = { ...parts, html: html || null };
  const errors = [
    ...kindErrors(kind, clean),
    ...(await variableErrors(db, workspaceId, clean)),
  ].sort((a, b) => a.path.localeCompare(b.path));
  if (errors.length) throw validationFailed(errors);
  return clean;
}

async function nameFree(
  db: Db,
  workspaceId: string,
  kind: TemplateKind,
  name: string,
  except?: string,
) {
  const taken = await db.query.messageTemplates.findFirst({
    where: inWorkspace(
      messageTemplates,
      workspaceId,
      eq(messageTemplates.channelKind, kind),
      eq(messageTemplates.name, name),
    ),
  });
  if (taken && taken.id !== except) throw conflict(`“${name}” is taken.`, "name");
}

const partsOf = (input: Partial<Create>, current?: Parts): Parts => ({
  body: input.body ?? current?.body ?? "",
  subject: input.subject !== undefined ? input.subject : (current?.subject ?? null),
  html: input.html !== undefined ? input.html : (current?.html ?? null),
  title: input.title !== undefined ? input.title : (current?.title ?? null),
  url: input.url !== undefined ? input.url : (current?.url ?? null),
});

export async function createMessageTemplate(
  db: Db,
  principal: Principal,
  input: Create,
  now: number,
) {
  const { workspaceId } = principal;
  const parts = await checkedParts(db, workspaceId, input.channel_kind, partsOf(input));
  await nameFree(db, workspaceId, input.channel_kind, input.name);
  const [row] = await db
    .insert(messageTemplates)
    .values({
      id: newId("mtpl", now),
      workspaceId,
      name: input.name,
      channelKind: input.channel_kind,
      area: input.area ?? null,
      language: input.language ?? null,
      ...parts,
      createdBy: principal.userId,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function updateMessageTemplate(
  db: Db,
  workspaceId: string,
  id: string,
  patch: Patch,
  now: number,
) {
  const current = await getMessageTemplate(db, workspaceId, id);
  const parts = await checkedParts(db, workspaceId, current.channelKind, partsOf(patch, current));
  if (patch.name) await nameFree(db, workspaceId, current.channelKind, patch.name, id);
  const [row] = await db
    .update(messageTemplates)
    .set({
      ...(patch.name ? { name: patch.name } : {}),
      ...(patch.area !== undefined ? { area: patch.area } : {}),
      ...(patch.language !== undefined ? { language: patch.language } : {}),
      ...parts,
      updatedAt: now,
    })
    .where(inWorkspace(messageTemplates, workspaceId, eq(messageTemplates.id, id)))
    .returning();
  return row ?? current;
}

export async function deleteMessageTemplate(db: Db, workspaceId: string, id: string) {
  await getMessageTemplate(db, workspaceId, id);
  await db
    .delete(messageTemplates)
    .where(inWorkspace(messageTemplates, workspaceId, eq(messageTemplates.id, id)));
}
