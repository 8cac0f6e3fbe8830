import { Hono } from "hono";
import type { AppEnv } from "../lib/context";
import { forbidden, notFound } from "../lib/errors";
import { fileResponseHeaders, verifyAttachmentUrl } from "../lib/files";

/** Stored files, reachable only through the signed URLs messages carry. */
export const filesRouter = new Hono<AppEnv>().get("/files/*", async (c) => {
  const key = decodeURIComponent(c.req.path.slice("/files/".length));
  const ok = await verifyAttachmentUrl(
    c.env,
    key,
    Number(c.req.query("expires")),
    c.req.query("sig") ?? "",
    c.get("clock").now(),
  );
  if (!ok) throw forbidden("This file link is invalid or has expired.");
  const object = await c.env.FILES.get(key);
  if (!object) throw notFound("File");
  const headers = fileResponseHeaders(
    object.httpMetadata?.contentType ?? "application/octet-stream",
    object.customMetadata?.name ?? "file",
  );
  return new Response(object.body, { headers });
});
