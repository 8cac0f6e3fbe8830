import { asc, eq, isNull } from "drizzle-orm";
import { Hono } from "hono";
import { html } from "hono/html";
import { acrossWorkspaces } from "../db/client";
import { channels } from "../db/schema";
import { inWorkspace } from "../db/scope";
import { getWebchatChannel } from "../domain/channels/channels";
import type { AppEnv, Db } from "../lib/context";
import { notFound } from "../lib/errors";

/** Without `?channel=`, the demo shows the oldest web chat of the deployment (the seeded one). */
const firstWebchatChannel = (db: Db) =>
  acrossWorkspaces(db).query.channels.findFirst({
    where: (t, { and, eq, isNull }) => and(eq(t.type, "webchat"), isNull(t.deletedAt)),
    orderBy: (t, { asc }) => asc(t.createdAt),
  });

/** The workspace's oldest web push channel: the demo page offers its notifications. */
async function pushChannelOf(db: Db, workspaceId: string) {
  const push = await db.query.channels.findFirst({
    where: inWorkspace(
      channels,
      workspaceId,
      eq(channels.type, "web_push"),
      isNull(channels.deletedAt),
    ),
    orderBy: asc(channels.createdAt),
  });
  const key = push?.config.vapid_public_key;
  return push && typeof key === "string" ? { id: push.id, key } : null;
}

/**
 * A page that embeds the widget the way a customer's site would, with web push set up when the
 * workspace has a web push channel.
 */
export const demoRouter = new Hono<AppEnv>().get("/demo", async (c) => {
  const requested = c.req.query("channel");
  const channel = requested
    ? await getWebchatChannel(c.get("db"), requested)
    : await firstWebchatChannel(c.get("db"));
  if (!channel) throw notFound("A web-chat channel");
  const push = await pushChannelOf(c.get("db"), channel.workspaceId);
  return c.html(html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Conversa widget demo</title>
    <link rel="stylesheet" href="/demo.css" />
  </head>
  <body>
    <h1>Acme Store</h1>
    <p>This page embeds the Conversa chat widget for the channel <strong>${channel.name}</strong>.
      Open the bubble in the corner and write; an agent answers from the inbox at <a href="/">/</a>.</p>
    <script
      src="/widget.js"
      data-channel="${channel.id}"
      data-push-channel="${push?.id ?? ""}"
      data-push-key="${push?.key ?? ""}"
      async
    ></script>
  </body>
</html>`);
});
