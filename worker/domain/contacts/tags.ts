import { eq } from "drizzle-orm";
import { contacts, contactTags } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { getContact, normalizeTags, recordChanges, tagInserts } from "./contacts";

export async function addTags(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  tags: string[],
  now: number,
) {
  const before = (await getContact(db, workspaceId, id)).tags;
  await db.batch([
    db
      .update(contacts)
      .set({ updatedAt: now })
      .where(inWorkspace(contacts, workspaceId, eq(contacts.id, id))),
    ...tagInserts(db, workspaceId, id, normalizeTags(tags)),
  ]);
  const contact = await getContact(db, workspaceId, id);
  await recordChanges({ db, env }, workspaceId, id, { tags: [before, contact.tags] });
  return contact;
}

export async function removeTag(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  tag: string,
  now: number,
) {
  const before = (await getContact(db, workspaceId, id)).tags;
  await db.batch([
    db
      .delete(contactTags)
      .where(
        inWorkspace(
          contactTags,
          workspaceId,
          eq(contactTags.contactId, id),
          eq(contactTags.tag, tag.trim().toLowerCase()),
        ),
      ),
    db
      .update(contacts)
      .set({ updatedAt: now })
      .where(inWorkspace(contacts, workspaceId, eq(contacts.id, id))),
  ]);
  const contact = await getContact(db, workspaceId, id);
  await recordChanges({ db, env }, workspaceId, id, { tags: [before, contact.tags] });
  return contact;
}
