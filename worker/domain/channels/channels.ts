import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { adapterFor, isPlatformChannel } from "../../channels/index";
import { SendError } from "../../channels/types";
import { generateVapidKeys } from "../../channels/web-push";
import { acrossWorkspaces } from "../../db/client";
import { type ChannelType, channels, type Role, type WebchatConfig } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import { readOncePerBatch } from "../../lib/batch-memo";
import type { Db } from "../../lib/context";
import { randomToken } from "../../lib/crypto";
import { fieldErrorsFromZod, notFound, Problem, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { roleAtLeast } from "../../lib/roles";
import { seal, unseal } from "../../lib/secret-box";
import { targetFetch, targetFieldError } from "../../lib/targets";
import {
  CHANNEL_CONFIGS,
  type ChannelConfigOf,
  type ChannelCreateInput,
  GENERATED_KEYS,
  SECRET_KEYS,
  URL_KEYS,
} from "../../schemas/channels";
import { isoOrNull, toIso } from "../../schemas/common";
import { forgetHonouredTokens } from "../webchat/honoured-tokens";

export type ChannelRow = typeof channels.$inferSelect;

const live = (workspaceId: string) =>
  inWorkspace(channels, workspaceId, isNull(channels.deletedAt));

export const listChannels = (db: Db, workspaceId: string) =>
  db.query.channels.findMany({ where: live(workspaceId), orderBy: asc(channels.id) });

export async function getChannel(db: Db, workspaceId: string, id: string) {
  const channel = await db.query.channels.findFirst({
    where: and(live(workspaceId), eq(channels.id, id)),
  });
  if (!channel) throw notFound("Channel");
  return channel;
}

/**
 * A channel by id whatever its state, for work already accepted on it (sending, statuses); read
 * once per queue batch.
 */
export const findChannelRow = (db: Db, workspaceId: string, id: string) =>
  readOncePerBatch(`channel:${workspaceId}:${id}`, () =>
    db.query.channels.findFirst({ where: inWorkspace(channels, workspaceId, eq(channels.id, id)) }),
  );

export async function getChannelRow(db: Db, workspaceId: string, id: string) {
  const channel = await findChannelRow(db, workspaceId, id);
  if (!channel) throw notFound("Channel");
  return channel;
}

/**
 * A channel by the id a public URL (webhooks, the widget) or the inbound job it queued names,
 * whatever its state: the id is what tells which workspace the request is for.
 */
export const channelNamedPublicly = (db: Db, id: string) =>
  acrossWorkspaces(db).query.channels.findFirst({ where: eq(channels.id, id) });

/** A connected channel found by the id in a public URL (webhooks, the widget), of the given type. */
export async function getPublicChannel(db: Db, id: string, type: ChannelType) {
  const channel = await channelNamedPublicly(db, id);
  if (channel?.type !== type || channel.deletedAt !== null) throw notFound("Channel");
  return channel;
}

export const getWebchatChannel = (db: Db, id: string) => getPublicChannel(db, id, "webchat");

/** Every URL of the config must pass the outbound URL guard (worker/lib/targets.ts). */
async function checkTargets(env: Env, type: ChannelType, config: Record<string, unknown>) {
  const errors = [];
  for (const key of URL_KEYS[type]) {
    const value = config[key];
    const error =
      typeof value === "string" && (await targetFieldError(env, value, `config.${key}`));
    if (error) errors.push(error);
  }
  if (errors.length) throw validationFailed(errors);
}

/**
 * Stored secrets are only ever sent where they were entered for: a patch that changes a URL of
 * the config must carry every stored secret again, or it is refused naming them.
 */
function requireSecretsForNewUrl(
  type: ChannelType,
  current: Record<string, unknown>,
  patch: Record<string, unknown>,
  stored: string[],
) {
  const moved = URL_KEYS[type].filter((key) => key in patch && patch[key] !== current[key]);
  const missing = moved.length ? stored.filter((key) => patch[key] === undefined) : [];
  if (missing.length)
    throw validationFailed(
      missing.map((key) => ({
        path: `config.${key}`,
        message: `enter it again: ${moved.join(" and ")} changes, and a stored secret is never sent to a new address`,
      })),
    );
}

function split(type: ChannelType, config: Record<string, unknown>) {
  const secretKeys = new Set(SECRET_KEYS[type]);
  const visible: Record<string, unknown> = {};
  const hidden: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (secretKeys.has(key)) {
      if (typeof value === "string") hidden[key] = value;
    } else if (value !== undefined) {
      visible[key] = value;
    }
  }
  return { visible, hidden };
}

export async function createChannel(
  db: Db,
  env: Env,
  workspaceId: string,
  input: ChannelCreateInput,
  now: number,
) {
  await checkTargets(env, input.type, input.config);
  const generated = input.type === "web_push" ? await generateVapidKeys() : {};
  const { visible, hidden } = split(input.type, { ...input.config, ...generated });
  const identitySecret = input.type === "webchat" ? randomToken(32) : null;
  if (identitySecret) hidden.identity_secret = identitySecret;
  const [row] = await db
    .insert(channels)
    .values({
      id: newId("ch", now),
      workspaceId,
      type: input.type,
      name: input.name,
      config: visible,
      secrets: await seal(env, hidden),
      createdAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return { row, identitySecret };
}

/** Moves the channel's security version on: every visitor token issued before is refused. */
const nextSecurityVersion = { securityVersion: sql`${channels.securityVersion} + 1` };

/**
 * Settings whose change ends the channel's visitor tokens: starting to require identity (tokens
 * of unverified visitors must not outlive it). A new identity secret would be another.
 */
const endsVisitorTokens = (current: ChannelRow, next: Record<string, unknown>) =>
  current.type === "webchat" &&
  webchatConfig(current).require_identity !== true &&
  next.require_identity === true;

/** A patch clears a setting by giving it null: the key is left out before the config is checked. */
const withoutCleared = (config: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(config).filter(([, value]) => value !== null));

function refuseGeneratedKeys(type: ChannelType, patch: Record<string, unknown>) {
  const given = (GENERATED_KEYS[type] ?? []).filter((key) => key in patch);
  if (given.length)
    throw validationFailed(
      given.map((key) => ({
        path: `config.${key}`,
        message: "generated when the channel was connected; it cannot be changed",
      })),
    );
}

/** Merges a partial config over the stored one and checks the whole against the type's schema. */
export async function updateChannel(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  patch: { name?: string | undefined; config?: Record<string, unknown> | undefined },
) {
  const current = await getChannel(db, workspaceId, id);
  refuseGeneratedKeys(current.type, patch.config ?? {});
  const secrets = await unseal(env, current.secrets);
  const stored = Object.keys(secrets).filter((key) => key !== "identity_secret");
  requireSecretsForNewUrl(current.type, current.config, patch.config ?? {}, stored);
  const merged = withoutCleared({ ...current.config, ...secrets, ...patch.config });
  const { identity_secret: _generated, ...checked } = merged;
  const parsed = CHANNEL_CONFIGS[current.type].safeParse(checked);
  if (!parsed.success) throw validationFailed(fieldErrorsFromZod(parsed.error, ["config"]));
  await checkTargets(env, current.type, parsed.data);
  const { visible, hidden } = split(current.type, parsed.data);
  if (secrets.identity_secret) hidden.identity_secret = secrets.identity_secret;
  const endsTokens = endsVisitorTokens(current, visible);
  const [row] = await db
    .update(channels)
    .set({
      name: patch.name ?? current.name,
      config: visible,
      secrets: await seal(env, hidden),
      // new settings or credentials make the last check say nothing about them
      ...(patch.config ? { checkedAt: null, checkError: null } : {}),
      ...(endsTokens ? nextSecurityVersion : {}),
    })
    .where(and(live(workspaceId), eq(channels.id, id)))
    .returning();
  if (endsTokens) forgetHonouredTokens();
  return row ?? current;
}

export async function disconnectChannel(db: Db, workspaceId: string, id: string, now: number) {
  await getChannel(db, workspaceId, id);
  await db
    .update(channels)
    .set({ deletedAt: now, ...nextSecurityVersion })
    .where(and(live(workspaceId), eq(channels.id, id)));
  forgetHonouredTokens();
}

export const channelSecrets = (env: Env, channel: ChannelRow) => unseal(env, channel.secrets);

/** The full config an adapter needs: public settings plus unsealed secrets. */
export async function adapterConfig<T>(env: Env, channel: ChannelRow): Promise<T> {
  const secrets = await readOncePerBatch(`secrets:${channel.secrets}`, () =>
    channelSecrets(env, channel),
  );
  return { ...channel.config, ...secrets } as T;
}

export const webchatConfig = (channel: ChannelRow) => channel.config as WebchatConfig;

export const WEBHOOK_PATHS = {
  whatsapp: "whatsapp",
  messenger: "messenger",
  instagram: "instagram",
  telegram: "telegram",
  twilio_sms: "twilio",
  email: "email-events",
  custom: "custom",
} as const satisfies Partial<Record<ChannelType, string>>;

/**
 * A channel as `viewer` may see it: admins get how it is set up (config with the verify token,
 * which secrets are stored, the webhook URL); everyone else its name and type only.
 */
export async function toChannelDto(env: Env, row: ChannelRow, origin: string, viewer: Role) {
  const seen = {
    id: row.id,
    type: row.type,
    name: row.name,
    created_at: toIso(row.createdAt),
  };
  if (!roleAtLeast(viewer, "admin")) return seen;
  const path =
    row.type in WEBHOOK_PATHS ? WEBHOOK_PATHS[row.type as keyof typeof WEBHOOK_PATHS] : null;
  return {
    ...seen,
    config: row.config,
    routing: row.routing ?? {},
    check: checkDto(row),
    secrets_set: Object.keys(await channelSecrets(env, row)).filter((k) => k !== "identity_secret"),
    webhook_url: path ? `${origin}/webhooks/${path}/${row.id}` : null,
  };
}

/** Platform channels whose adapter can check credentials without sending anything. */
export const isCheckable = (type: ChannelType) =>
  isPlatformChannel(type) && adapterFor(type).check !== undefined;

/** The last credential check as admins see it; null for channels that have none. */
function checkDto(row: ChannelRow) {
  if (!isCheckable(row.type)) return null;
  const status = row.checkedAt === null ? "unchecked" : row.checkError ? "failing" : "connected";
  return {
    status,
    checked_at: isoOrNull(row.checkedAt),
    error: row.checkError,
  } as const;
}

/**
 * Asks the platform whether the stored credentials work and keeps the answer (when, and the
 * refusal if any) so the channel list shows it.
 */
export async function checkChannel(db: Db, env: Env, workspaceId: string, id: string, now: number) {
  const channel = await getChannel(db, workspaceId, id);
  const check = isPlatformChannel(channel.type) ? adapterFor(channel.type).check : undefined;
  if (!check)
    throw validationFailed([
      { path: "id", message: "this kind of channel has no check; send a test message instead" },
    ]);
  let checkError: string | null = null;
  try {
    await check(await adapterConfig(env, channel), targetFetch(env));
  } catch (error) {
    if (!(error instanceof SendError)) throw error;
    checkError = error.message;
  }
  const [row] = await db
    .update(channels)
    .set({ checkedAt: now, checkError })
    .where(and(live(workspaceId), eq(channels.id, id)))
    .returning();
  return row ?? channel;
}

/** Sends straight through the platform, so an admin can check the credentials work. */
export async function testSend(
  db: Db,
  env: Env,
  workspaceId: string,
  id: string,
  input: { to: string; text: string; subject?: string | undefined },
) {
  const channel = await getChannel(db, workspaceId, id);
  if (!isPlatformChannel(channel.type))
    throw validationFailed([{ path: "id", message: "Web chat has nothing to test-send" }]);
  if (channel.type === "web_push")
    throw validationFailed([
      {
        path: "id",
        message:
          "A test push needs a browser's subscription: subscribe on the site, then message that contact",
      },
    ]);
  const config = await adapterConfig<ChannelConfigOf<typeof channel.type>>(env, channel);
  const from =
    channel.type === "email"
      ? (config as ChannelConfigOf<"email">).from_accounts[0]?.from
      : undefined;
  try {
    const { externalId } = await adapterFor(channel.type).send(
      config,
      {
        to: input.to,
        text: input.text,
        subject: input.subject ?? "Conversa test message",
        from,
        reference: newId("test", Date.now()),
      },
      targetFetch(env),
    );
    return externalId;
  } catch (error) {
    if (error instanceof SendError)
      throw new Problem(502, "platform-error", "The platform refused the message", error.message, {
        code: error.code ?? null,
        retryable: error.retryable,
      });
    throw error;
  }
}
