import { eq } from "drizzle-orm";
import { contacts, users, workspaces } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { Problem, validationFailed } from "../../lib/errors";
import type { ConversationDto, MessageDto } from "../../schemas/conversations";
import { searchKnowledge } from "../knowledge/search";
import { getConversation } from "../messaging/conversations";
import { conversationStub } from "../messaging/stubs";

/** How many of the thread's latest messages the copilot reads. */
export const THREAD_WINDOW = 20;
/** Knowledge passages offered to ground a suggested reply. */
const KNOWLEDGE_HITS = 4;

export const fromCustomer = (m: Pick<MessageDto, "sender">) =>
  m.sender.type === "visitor" || m.sender.type === "contact";

/** What the copilot knows of a conversation: who the contact is and what was said lately. */
export type ThreadContext = {
  conversation: ConversationDto;
  contactName: string | null;
  contactLanguage: string | null;
  /** The latest messages with text (notes included: they are context for the agent). */
  messages: MessageDto[];
};

async function contactOf(db: Db, workspaceId: string, contactId: string) {
  return db.query.contacts.findFirst({
    columns: { name: true, language: true },
    where: inWorkspace(contacts, workspaceId, eq(contacts.id, contactId)),
  });
}

export async function threadContext(
  db: Db,
  env: Env,
  workspaceId: string,
  conversationId: string,
): Promise<ThreadContext> {
  const conversation = await getConversation(db, workspaceId, conversationId);
  const [contact, listed] = await Promise.all([
    contactOf(db, workspaceId, conversation.contact.id),
    conversationStub(env, conversationId).list({
      beforeSeq: conversation.last_seq + 1,
      // events (assignments, labels) are skipped, so read more than the window
      limit: THREAD_WINDOW * 2,
      audience: "agent",
    }),
  ]);
  const messages = listed.filter((m) => m.kind !== "event" && m.text?.trim()).slice(-THREAD_WINDOW);
  return {
    conversation,
    contactName: contact?.name ?? conversation.contact.name,
    contactLanguage: contact?.language ?? null,
    messages,
  };
}

/** A conversation named in a body field: refused as that field when it is not the workspace's. */
export async function asBodyField<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof Problem && error.status === 404)
      throw validationFailed([{ path: "conversation_id", message: "no such conversation" }]);
    throw error;
  }
}

export const lastCustomerText = (messages: MessageDto[]) =>
  messages.findLast((m) => fromCustomer(m) && m.kind !== "note")?.text ?? null;

/** Passages of the knowledge base about the customer's latest message, as lines of text. */
export async function knowledgeFor(db: Db, workspaceId: string, question: string | null) {
  if (!question) return [];
  const hits = await searchKnowledge(db, workspaceId, question, KNOWLEDGE_HITS);
  return hits.map((hit) =>
    `${hit.heading ? `${hit.heading}: ` : ""}${hit.text}`.replace(/\s*\n\s*/g, " "),
  );
}

/** The language the agent reads the app in, else the workspace's, else English. */
export async function agentLanguage(db: Db, principal: Principal): Promise<string> {
  const [user, workspace] = await Promise.all([
    principal.userId
      ? db.query.users.findFirst({
          columns: { language: true },
          where: eq(users.id, principal.userId),
        })
      : undefined,
    db.query.workspaces.findFirst({
      columns: { language: true },
      where: eq(workspaces.id, principal.workspaceId),
    }),
  ]);
  return user?.language ?? workspace?.language ?? "en";
}
