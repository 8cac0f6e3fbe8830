import type { z } from "@hono/zod-openapi";
import { asc, eq, like, or } from "drizzle-orm";
import { contacts, snippets, users, workspaces } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import { readOncePerBatch } from "../../lib/batch-memo";
import type { Db, Principal } from "../../lib/context";
import { conflict, notFound, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { toIso } from "../../schemas/common";
import type { SnippetCreate, SnippetPatch } from "../../schemas/snippets";
import { listContactFields } from "../contacts/fields";
import { getConversation } from "./conversations";
import { renderVariables, unknownVariables, type VariableContext } from "./variables";

type SnippetRow = typeof snippets.$inferSelect;

export const toSnippetDto = (row: SnippetRow) => ({
  id: row.id,
  shortcut: row.shortcut,
  title: row.title,
  body: row.body,
  updated_at: toIso(row.updatedAt),
});

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export function listSnippets(db: Db, workspaceId: string, q?: string) {
  const prefix = q ? `${escapeLike(q.toLowerCase())}%` : null;
  return db.query.snippets.findMany({
    where: inWorkspace(
      snippets,
      workspaceId,
      prefix ? or(like(snippets.shortcut, prefix), like(snippets.title, prefix)) : undefined,
    ),
    orderBy: asc(snippets.shortcut),
  });
}

export async function getSnippet(db: Db, workspaceId: string, id: string) {
  const row = await db.query.snippets.findFirst({
    where: inWorkspace(snippets, workspaceId, eq(snippets.id, id)),
  });
  if (!row) throw notFound("Snippet");
  return row;
}

/** Unknown variables are refused when the text is saved, never sent as raw braces later. */
export async function checkVariables(db: Db, workspaceId: string, text: string, path: string) {
  const fields = await readOncePerBatch(`contact-fields:${workspaceId}`, () =>
    listContactFields(db, workspaceId),
  );
  const unknown = unknownVariables(
    text,
    fields.map((f) => f.key),
  );
  if (unknown.length)
    throw validationFailed([{ path, message: `Unknown variable(s): ${unknown.join(", ")}` }]);
}

async function shortcutFree(db: Db, workspaceId: string, shortcut: string, except?: string) {
  const taken = await db.query.snippets.findFirst({
    where: inWorkspace(snippets, workspaceId, eq(snippets.shortcut, shortcut)),
  });
  if (taken && taken.id !== except) throw conflict(`/${shortcut} is taken.`, "shortcut");
}

export async function createSnippet(
  db: Db,
  principal: Principal,
  input: z.infer<typeof SnippetCreate>,
  now: number,
) {
  await checkVariables(db, principal.workspaceId, input.body, "body");
  await shortcutFree(db, principal.workspaceId, input.shortcut);
  const [row] = await db
    .insert(snippets)
    .values({
      id: newId("snp", now),
      workspaceId: principal.workspaceId,
      ...input,
      createdBy: principal.userId,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return row;
}

export async function updateSnippet(
  db: Db,
  workspaceId: string,
  id: string,
  patch: z.infer<typeof SnippetPatch>,
  now: number,
) {
  const current = await getSnippet(db, workspaceId, id);
  if (patch.body) await checkVariables(db, workspaceId, patch.body, "body");
  if (patch.shortcut) await shortcutFree(db, workspaceId, patch.shortcut, id);
  const [row] = await db
    .update(snippets)
    .set({ ...patch, updatedAt: now })
    .where(inWorkspace(snippets, workspaceId, eq(snippets.id, id)))
    .returning();
  return row ?? current;
}

export async function deleteSnippet(db: Db, workspaceId: string, id: string) {
  await getSnippet(db, workspaceId, id);
  await db.delete(snippets).where(inWorkspace(snippets, workspaceId, eq(snippets.id, id)));
}

/** A contact row's values for the variable engine. */
export const variablesOf = (
  contact: Pick<typeof contacts.$inferSelect, "name" | "phone" | "email" | "customFields">,
): NonNullable<VariableContext["contact"]> => ({
  name: contact.name,
  phone: contact.phone,
  email: contact.email,
  fields: contact.customFields,
});

/** A contact's values for the variable engine; null when there is no such contact. */
export async function contactVariables(
  db: Db,
  workspaceId: string,
  contactId: string,
): Promise<VariableContext["contact"]> {
  const contact = await db.query.contacts.findFirst({
    where: inWorkspace(contacts, workspaceId, eq(contacts.id, contactId)),
  });
  return contact ? variablesOf(contact) : null;
}

/** The variables' values for a contact (stored or about to be), the signed-in agent and the workspace. */
export async function variableContext(
  db: Db,
  principal: Principal,
  contact: VariableContext["contact"],
  conversation: VariableContext["conversation"] = null,
): Promise<VariableContext> {
  const { userId, workspaceId } = principal;
  const [agent, workspace] = await Promise.all([
    userId
      ? readOncePerBatch(`user:${userId}`, () =>
          db.query.users.findFirst({ where: eq(users.id, userId) }),
        )
      : undefined,
    readOncePerBatch(`workspace:${workspaceId}`, () =>
      db.query.workspaces.findFirst({ where: eq(workspaces.id, workspaceId) }),
    ),
  ]);
  return {
    contact,
    agent: agent ? { name: agent.name, email: agent.email } : null,
    workspace: workspace ? { name: workspace.name } : null,
    conversation,
  };
}

/** Fills variables for a contact (stored or about to be), the signed-in agent and the workspace. */
export async function renderForContact(
  db: Db,
  principal: Principal,
  contact: VariableContext["contact"],
  text: string,
  conversation: VariableContext["conversation"] = null,
) {
  return renderVariables(text, await variableContext(db, principal, contact, conversation));
}

/** Fills variables for a conversation: its contact, the signed-in agent, the workspace. */
export async function renderForConversation(
  db: Db,
  principal: Principal,
  conversationId: string,
  text: string,
) {
  const conversation = await getConversation(db, principal.workspaceId, conversationId);
  const contact = await contactVariables(db, principal.workspaceId, conversation.contact.id);
  return renderForContact(db, principal, contact, text, { number: conversation.number });
}
