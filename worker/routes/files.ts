import { Hono } from "hono";
import type { AppEnv } from "../lib/context";
import { badRequest, forbidden, notFound } from "../lib/errors";
import { fileResponseHeaders, verifyAttachmentUrl } from "../lib/files";

/** The storage key a /files/ path names; malformed percent-encoding is the caller's error. */
function storageKey(path: string) {
  try {
    return decodeURIComponent(path.slice("/files/".length));
  } catch {
    throw badRequest("The file path is not valid percent-encoding.");
  }
}

/** Stored files, reachable only through the signed URLs messages carry. */
export const filesRouter = new Hono<AppEnv>().get("/files/*", async (c) => {
  const key = storageKey(c.req.path);
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
