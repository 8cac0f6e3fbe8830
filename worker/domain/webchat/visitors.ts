import { and, eq, isNull } from "drizzle-orm";
import { channels, contactIdentities, contacts } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Visitor } from "../../lib/context";
import { unauthorized } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { signToken, verifyHmacSha256Hex, verifyToken } from "../../lib/signed";
import {
  type ChannelRow,
  channelSecrets,
  getWebchatChannel,
  webchatConfig,
} from "../channels/channels";
import { findActiveConversation } from "../messaging/conversations";
import { lastHonoured, REVALIDATE_MS, rememberCheck } from "./honoured-tokens";

export type { Visitor };

const DAY = 24 * 60 * 60 * 1000;
/** A token expires this long after it was issued: a visitor idle for longer starts anew. */
export const TOKEN_IDLE_MS = 30 * DAY;
/** A token used with less life than this left is answered with a fresh one. */
const RENEW_BELOW_MS = TOKEN_IDLE_MS / 2;
const tokenSecret = (env: Env) => `${env.APP_SECRET}:visitor`;

/** `v`: the channel's security version when the token was issued. */
type TokenPayload = { w: string; ch: string; ct: string; n: string | null; v: number; exp: number };

/** A visitor as a token names them, with what renewing the token needs. */
export type VisitorSession = { visitor: Visitor; version: number; expiresAt: number };

export const revokedToken = () =>
  unauthorized(
    "This visitor token has expired or was revoked; start a new session without it (POST /widget/v1/sessions).",
  );

/** Tokens whose signature was checked, by their exact text: a widget sends the same one every time. */
const verifiedTokens = new Map<string, TokenPayload>();
const VERIFIED_TOKENS_LIMIT = 10_000;

const isPayload = (value: unknown): value is TokenPayload => {
  const p = value as Partial<TokenPayload> | null;
  return (
    typeof p?.w === "string" &&
    typeof p.ch === "string" &&
    typeof p.ct === "string" &&
    typeof p.v === "number" &&
    typeof p.exp === "number"
  );
};

async function tokenPayload(env: Env, token: string): Promise<TokenPayload | null> {
  const key = `${tokenSecret(env)}\n${token}`;
  const verified = verifiedTokens.get(key);
  if (verified) return verified;
  const payload = await verifyToken(tokenSecret(env), token);
  if (!isPayload(payload)) return null;
  if (verifiedTokens.size >= VERIFIED_TOKENS_LIMIT) verifiedTokens.clear();
  verifiedTokens.set(key, payload);
  return payload;
}

/** Still honoured: the channel is connected at the version the token carries and the contact is there. */
async function readHonoured(db: Db, payload: TokenPayload, now: number) {
  const [row] = await db
    .select({ version: channels.securityVersion, contactId: contacts.id })
    .from(channels)
    .leftJoin(
      contacts,
      and(eq(contacts.workspaceId, channels.workspaceId), eq(contacts.id, payload.ct)),
    )
    .where(
      inWorkspace(
        channels,
        payload.w,
        eq(channels.id, payload.ch),
        eq(channels.type, "webchat"),
        isNull(channels.deletedAt),
      ),
    )
    .limit(1);
  const honoured = row?.version === payload.v && row.contactId !== null;
  rememberCheck(payload, honoured, now);
  return honoured;
}

/** Runs a background read after the answer has gone (the request's `waitUntil`). */
export type Defer = (work: Promise<unknown>) => void;

/**
 * Read from D1 when the token was never found honoured here; otherwise taken as honoured, and
 * read again in the background (`defer`) once the last read is older than REVALIDATE_MS.
 * Without `defer`, always read.
 */
async function stillHonoured(db: Db, payload: TokenPayload, now: number, defer?: Defer) {
  const last = defer ? lastHonoured(payload) : undefined;
  if (last === undefined) return readHonoured(db, payload, now);
  if (now - last > REVALIDATE_MS) defer?.(readHonoured(db, payload, now));
  return true;
}

/**
 * The visitor a token names, or null when it is forged, expired or revoked. With `defer`, a token
 * recently found honoured is not read again before answering (see `stillHonoured`).
 */
export async function visitorFromToken(
  db: Db,
  env: Env,
  token: string,
  now: number,
  defer?: Defer,
): Promise<VisitorSession | null> {
  const payload = await tokenPayload(env, token);
  if (!payload || payload.exp < now || !(await stillHonoured(db, payload, now, defer))) return null;
  return {
    visitor: {
      workspaceId: payload.w,
      channelId: payload.ch,
      contactId: payload.ct,
      name: payload.n,
    },
    version: payload.v,
    expiresAt: payload.exp,
  };
}

const issueToken = (env: Env, visitor: Visitor, version: number, now: number) =>
  signToken(tokenSecret(env), {
    w: visitor.workspaceId,
    ch: visitor.channelId,
    ct: visitor.contactId,
    n: visitor.name,
    v: version,
    exp: now + TOKEN_IDLE_MS,
  } satisfies TokenPayload);

/** A token naming the visitor as they are now (after they told their name), at the channel's version. */
export async function currentToken(db: Db, env: Env, visitor: Visitor, now: number) {
  const channel = await getWebchatChannel(db, visitor.channelId);
  return issueToken(env, visitor, channel.securityVersion, now);
}

/** A fresh token for a session whose token is past half its life, else null. */
export const renewedToken = (env: Env, session: VisitorSession, now: number) =>
  session.expiresAt - now < RENEW_BELOW_MS
    ? issueToken(env, session.visitor, session.version, now)
    : null;

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
    where: inWorkspace(contacts, workspaceId, eq(contacts.email, email)),
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
    source: channel.type,
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
    where: inWorkspace(
      contactIdentities,
      channel.workspaceId,
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
    where: inWorkspace(
      contactIdentities,
      channel.workspaceId,
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

/**
 * Starts or resumes a visitor's session on a web-chat channel. A token that is sent must still
 * be honoured: an expired or revoked one is refused rather than quietly swapped for a new visitor.
 */
export async function startVisitorSession(db: Db, env: Env, input: SessionInput, now: number) {
  const previous = input.token ? await visitorFromToken(db, env, input.token, now) : null;
  if (input.token && previous?.visitor.channelId !== input.channel_id) throw revokedToken();
  const channel = await getWebchatChannel(db, input.channel_id);
  const identifier = await verifiedIdentifier(env, channel, input);
  const contactId = identifier
    ? await identifiedContact(db, channel, input, identifier, now)
    : (previous?.visitor.contactId ?? (await newVisitorContact(db, channel, input, now)));
  const contact = await db.query.contacts.findFirst({
    where: inWorkspace(contacts, channel.workspaceId, eq(contacts.id, contactId)),
  });
  const visitor: Visitor = {
    workspaceId: channel.workspaceId,
    channelId: channel.id,
    contactId,
    name: contact?.name ?? null,
  };
  return {
    token: await issueToken(env, visitor, channel.securityVersion, now),
    visitor_id: contactId,
    conversation_id: await findActiveConversation(db, channel.workspaceId, contactId, channel.id),
  };
}
