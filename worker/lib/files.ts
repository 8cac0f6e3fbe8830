import { hmacSha256Hex, verifyHmacSha256Hex } from "./signed";

const URL_LIFETIME_MS = 60 * 60 * 1000;

const signingSecret = (env: Env) => `${env.APP_SECRET}:files`;

/**
 * A capability URL for a stored file: anyone holding it may fetch the file until it
 * expires. Expiry is rounded to the hour so the same URL is handed out for a while.
 */
export async function attachmentUrl(env: Env, key: string, now = Date.now()): Promise<string> {
  const expires = Math.ceil((now + URL_LIFETIME_MS) / URL_LIFETIME_MS) * URL_LIFETIME_MS;
  const signature = await hmacSha256Hex(signingSecret(env), `${key}\n${expires}`);
  return `/files/${key.split("/").map(encodeURIComponent).join("/")}?expires=${expires}&sig=${signature}`;
}

export async function verifyAttachmentUrl(
  env: Env,
  key: string,
  expires: number,
  sig: string,
  now = Date.now(),
) {
  if (!Number.isFinite(expires) || expires < now) return false;
  return verifyHmacSha256Hex(signingSecret(env), `${key}\n${expires}`, sig);
}

/**
 * Types a browser may render in place; everything else (SVG and HTML included) downloads.
 * The sandboxing policy and nosniff come with every /files answer (lib/security-headers).
 */
const INLINE_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/pdf",
  "audio/mpeg",
  "audio/ogg",
  "video/mp4",
]);

export function fileResponseHeaders(contentType: string, name: string): Headers {
  const inline = INLINE_TYPES.has(contentType);
  const safeName = name.replace(/[^\w.\- ]/g, "_");
  return new Headers({
    "content-type": inline ? contentType : "application/octet-stream",
    "content-disposition": `${inline ? "inline" : "attachment"}; filename="${safeName}"; filename*=UTF-8''${encodeURIComponent(name)}`,
    "cache-control": "private, max-age=3600",
  });
}

/** Stores a conversation's file in R2 under the workspace and conversation; returns its attachment. */
export async function storeAttachment(
  env: Env,
  where: { workspaceId: string; conversationId: string; fileId: string },
  file: { body: ReadableStream | ArrayBuffer; name: string; contentType: string; size: number },
) {
  const attachment = {
    key: `${where.workspaceId}/${where.conversationId}/${where.fileId}`,
    name: file.name,
    content_type: file.contentType,
    size: file.size,
  };
  await env.FILES.put(attachment.key, file.body, {
    httpMetadata: { contentType: attachment.content_type },
    customMetadata: { name: attachment.name },
  });
  return attachment;
}
