import { and, eq } from "drizzle-orm";
import { contactIdentities, contacts } from "../db/schema";
import type { Db } from "../lib/context";
import { unauthorized } from "../lib/errors";
import { newId } from "../lib/ids";
import { signToken, verifyHmacSha256Hex, verifyToken } from "../lib/signed";
import { type ChannelRow, channelSecrets, getWebchatChannel, webchatConfig } from "./channels";
import { findActiveConversation } from "./conversations";

export type Visitor = {
  workspaceId: string;
  channelId: string;
  contactId: string;
  name: string | null;
};

const TOKEN_LIFETIME_MS = 180 * 24 * 60 * 60 * 1000;
const tokenSecret = (env: Env) => `${env.APP_SECRET}:visitor`;

type TokenPayload = { w: string; ch: string; ct: string; n: string | null; exp: number };

/** Tokens whose signature was checked, by their exact text: a widget sends the same one every time. */
const verifiedTokens = new Map<string, TokenPayload>();
const VERIFIED_TOKENS_LIMIT = 10_000;

async function tokenPayload(env: Env, token: string): Promise<TokenPayload | null> {
  const key = `${tokenSecret(env)}\n${token}`;
  const verified = verifiedTokens.get(key);
  if (verified) return verified;
  const payload = (await verifyToken(tokenSecret(env), token)) as TokenPayload | null;
  if (verifiedTokens.size >= VERIFIED_TOKENS_LIMIT) verifiedTokens.clear();
  if (payload) verifiedTokens.set(key, payload);
  return payload;
}

export async function visitorFromToken(
  env: Env,
  token: string,
  now: number,
): Promise<Visitor | null> {
  const payload = await tokenPayload(env, token);
  if (!payload || typeof payload.exp !== "number" || payload.exp < now) return null;
  return { workspaceId: payload.w, channelId: payload.ch, contactId: payload.ct, name: payload.n };
}

const issueToken = (env: Env, visitor: Visitor, now: number) =>
  signToken(tokenSecret(env), {
    w: visitor.workspaceId,
    ch: visitor.channelId,
    ct: visitor.contactId,
    n: visitor.name,
    exp: now + TOKEN_LIFETIME_MS,
  } satisfies TokenPayload);

type SessionInput = {
  channel_id: string;
  token?: string | undefined;
  identifier?: string | undefined;
  identifier_hash?: string | undefined;
  name?: string | undefined;
  email?: string | undefined;
};

async function emailIsFree(db: Db, workspaceId: string, email: string) {
  const taken = await db.query.contacts.findFirst({
    columns: { id: true },
    where: and(eq(contacts.workspaceId, workspaceId), eq(contacts.email, email)),
  });
  return !taken;
}

async function newVisitorContact(db: Db, channel: ChannelRow, input: SessionInput, now: number) {
  const id = newId("ct", now);
  const email = input.email?.toLowerCase();
  // A typed email is only a label: it is kept when no contact has it and never links to one.
  const keepEmail = email && (await emailIsFree(db, channel.workspaceId, email));
  await db.insert(contacts).values({
    id,
    workspaceId: channel.workspaceId,
    name: input.name ?? `Visitor ${id.slice(-4)}`,
    email: keepEmail ? email : null,
    createdAt: now,
    updatedAt: now,
  });
  return id;
}

/** The contact behind a verified identifier from the embedding site, created on first sight. */
async function identifiedContact(
  db: Db,
  channel: ChannelRow,
  input: SessionInput,
  identifier: string,
  now: number,
) {
  const kind = `webchat:${channel.id}`;
  const known = await db.query.contactIdentities.findFirst({
    where: and(
      eq(contactIdentities.workspaceId, channel.workspaceId),
      eq(contactIdentities.kind, kind),
      eq(contactIdentities.value, identifier),
    ),
  });
  if (known) return known.contactId;
  const contactId = await newVisitorContact(db, channel, input, now);
  await db
    .insert(contactIdentities)
    .values({ workspaceId: channel.workspaceId, kind, value: identifier, contactId })
    .onConflictDoNothing();
  const winner = await db.query.contactIdentities.findFirst({
    where: and(
      eq(contactIdentities.workspaceId, channel.workspaceId),
      eq(contactIdentities.kind, kind),
      eq(contactIdentities.value, identifier),
    ),
  });
  return winner?.contactId ?? contactId;
}

async function verifiedIdentifier(
  env: Env,
  channel: ChannelRow,
  input: SessionInput,
): Promise<string | null> {
  // An identifier without a hash on a channel that does not require one is just ignored.
  if (webchatConfig(channel).require_identity !== true && input.identifier_hash === undefined)
    return null;
  const { identity_secret: secret } = await channelSecrets(env, channel);
  if (
    !input.identifier ||
    !input.identifier_hash ||
    !secret ||
    !(await verifyHmacSha256Hex(secret, input.identifier, input.identifier_hash))
  ) {
    throw unauthorized("Identity verification failed: identifier_hash does not match identifier.");
  }
  return input.identifier;
}

async function contactStillThere(db: Db, workspaceId: string, contactId: string) {
  const row = await db.query.contacts.findFirst({
    columns: { id: true },
    where: and(eq(contacts.workspaceId, workspaceId), eq(contacts.id, contactId)),
  });
  return Boolean(row);
}

/** Starts or resumes a visitor's session on a web-chat channel. */
export async function startVisitorSession(db: Db, env: Env, input: SessionInput, now: number) {
  const channel = await getWebchatChannel(db, input.channel_id);
  const identifier = await verifiedIdentifier(env, channel, input);
  let contactId: string | null = null;
  if (identifier) {
    contactId = await identifiedContact(db, channel, input, identifier, now);
  } else if (input.token) {
    const previous = await visitorFromToken(env, input.token, now);
    if (
      previous?.channelId === channel.id &&
      (await contactStillThere(db, channel.workspaceId, previous.contactId))
    ) {
      contactId = previous.contactId;
    }
  }
  contactId ??= await newVisitorContact(db, channel, input, now);
  const contact = await db.query.contacts.findFirst({ where: eq(contacts.id, contactId) });
  const visitor: Visitor = {
    workspaceId: channel.workspaceId,
    channelId: channel.id,
    contactId,
    name: contact?.name ?? null,
  };
  return {
    token: await issueToken(env, visitor, now),
    visitor_id: contactId,
    conversation_id: await findActiveConversation(db, channel.workspaceId, contactId, channel.id),
  };
}
