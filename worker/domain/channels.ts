import { and, asc, eq } from "drizzle-orm";
import { channels, type WebchatConfig } from "../db/schema";
import type { Db } from "../lib/context";
import { randomToken } from "../lib/crypto";
import { notFound } from "../lib/errors";
import { newId } from "../lib/ids";

export type ChannelRow = typeof channels.$inferSelect;

export const listChannels = (db: Db, workspaceId: string) =>
  db.query.channels.findMany({
    where: eq(channels.workspaceId, workspaceId),
    orderBy: asc(channels.id),
  });

export async function getChannel(db: Db, workspaceId: string, id: string) {
  const channel = await db.query.channels.findFirst({
    where: and(eq(channels.workspaceId, workspaceId), eq(channels.id, id)),
  });
  if (!channel) throw notFound("Channel");
  return channel;
}

/** A web-chat channel found by its public id, as the widget knows it. */
export async function getWebchatChannel(db: Db, id: string) {
  const channel = await db.query.channels.findFirst({ where: eq(channels.id, id) });
  if (channel?.type !== "webchat") throw notFound("Channel");
  return channel;
}

export async function createWebchatChannel(
  db: Db,
  workspaceId: string,
  input: { name: string; config: WebchatConfig },
  now: number,
) {
  const identitySecret = randomToken(32);
  const [row] = await db
    .insert(channels)
    .values({
      id: newId("ch", now),
      workspaceId,
      type: "webchat",
      name: input.name,
      config: input.config,
      secrets: { identity_secret: identitySecret },
      createdAt: now,
    })
    .returning();
  if (!row) throw new Error("insert returned no row");
  return { row, identitySecret };
}

export async function updateChannel(
  db: Db,
  workspaceId: string,
  id: string,
  patch: { name?: string | undefined; config?: WebchatConfig | undefined },
) {
  const current = await getChannel(db, workspaceId, id);
  const [row] = await db
    .update(channels)
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      config: { ...current.config, ...patch.config },
    })
    .where(and(eq(channels.workspaceId, workspaceId), eq(channels.id, id)))
    .returning();
  return row ?? current;
}

export const webchatConfig = (channel: ChannelRow) => channel.config as WebchatConfig;
