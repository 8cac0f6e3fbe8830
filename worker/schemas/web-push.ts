import { z } from "@hono/zod-openapi";
import { base64UrlToBytes } from "../lib/crypto";
import { singleLine, Timestamp } from "./common";

const decoded = (text: string) => {
  try {
    return base64UrlToBytes(text);
  } catch {
    return new Uint8Array();
  }
};

/** base64url of exactly `bytes` bytes; padding, which some browsers send, is dropped. */
const base64UrlOf = (bytes: number, what: string) =>
  z
    .string()
    .max(100)
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, "base64url")
    .transform((text) => text.replace(/=+$/, ""))
    .refine((text) => decoded(text).length === bytes, {
      message: `${what}: ${bytes} bytes, base64url`,
    });

/** PushSubscription.toJSON() as the browser gives it; fields it may add are ignored. */
const BrowserSubscription = z.object({
  endpoint: z
    .url({ protocol: /^https$/, error: "an https:// push service address" })
    .max(1000)
    .check(singleLine),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({
    p256dh: base64UrlOf(65, "the browser's P-256 public key").refine(
      (text) => decoded(text)[0] === 0x04,
      { message: "an uncompressed P-256 point" },
    ),
    auth: base64UrlOf(16, "the browser's auth secret"),
  }),
});

export const PushSubscriptionCreate = z
  .strictObject({
    channel_id: z.string().min(1).max(64).openapi({ description: "The web push channel" }),
    subscription: BrowserSubscription,
    user_agent: z.string().max(500).check(singleLine).optional(),
  })
  .openapi("WidgetPushSubscriptionRequest");
export type PushSubscriptionInput = z.infer<typeof PushSubscriptionCreate>;

export const PushSubscriptionRemove = z.object({
  channel_id: z.string().min(1).max(64),
  endpoint: z.string().min(1).max(1000).check(singleLine),
});

export const PushSubscriptionSchema = z
  .object({ id: z.string(), channel_id: z.string(), created_at: Timestamp })
  .openapi("WidgetPushSubscription");
