import { z } from "zod";
import { hmacSha256Hex, SIGNATURE_HEADER, verifySignatureHeader } from "../lib/signed";
import { isRetryableStatus, retryAfterSeconds, sendRequest } from "./http";
import { type ChannelAdapter, type InboundEvent, SendError } from "./types";

export const CUSTOM_SIGNATURE_HEADER = SIGNATURE_HEADER;

/** Milliseconds since the epoch, or an ISO 8601 date-time. */
const time = z
  .union([z.number().int().nonnegative(), z.iso.datetime({ offset: true })])
  .transform((t) => (typeof t === "number" ? t : Date.parse(t)));
const messageEvent = z.object({
  type: z.literal("message"),
  message: z.object({
    id: z.string().min(1).max(200),
    text: z.string().max(10_000).optional(),
    timestamp: time.optional(),
    media: z
      .array(
        z.object({
          url: z.url({ protocol: /^https?$/ }),
          content_type: z.string().optional(),
          name: z.string().optional(),
        }),
      )
      .max(10)
      .optional(),
  }),
  contact: z.object({
    id: z.string().min(1).max(200),
    name: z.string().max(200).optional(),
    phone: z.string().max(32).optional(),
    email: z.string().max(254).optional(),
  }),
});
const statusEvent = z.object({
  type: z.literal("status"),
  status: z.object({
    message_id: z.string().min(1),
    status: z.enum(["sent", "delivered", "read", "failed"]),
    reason: z.string().max(500).optional(),
    timestamp: time.optional(),
  }),
});
const event = z.discriminatedUnion("type", [messageEvent, statusEvent]);
const body = z.union([event, z.object({ events: z.array(event).min(1).max(100) })]);

function toInbound(e: z.infer<typeof event>): InboundEvent {
  if (e.type === "status")
    return {
      type: "status",
      externalId: e.status.message_id,
      status: e.status.status,
      reason: e.status.reason,
      timestamp: e.status.timestamp ?? Date.now(),
    };
  return {
    type: "message",
    externalId: e.message.id,
    from: e.contact,
    text: e.message.text ?? null,
    media: (e.message.media ?? []).map((m) => ({
      ref: m.url,
      contentType: m.content_type,
      name: m.name,
    })),
    timestamp: e.message.timestamp ?? Date.now(),
  };
}

/** The platform's answer to a send: its id for the message, when it gives one. */
const accepted = z.object({ id: z.string().min(1) });

/**
 * A generic JSON channel for any other platform (a WhatsApp-QR bridge, LINE …): inbound and
 * outbound bodies are signed `X-Conversa-Signature: sha256=<hex HMAC-SHA256(secret, body)>`.
 */
export const custom: ChannelAdapter<"custom"> = {
  verify(request, config) {
    const header = request.headers.get(CUSTOM_SIGNATURE_HEADER);
    return verifySignatureHeader(config.inbound_secret, request.rawBytes, header);
  },
  parse(request) {
    const parsed = body.parse(JSON.parse(request.rawBody));
    return ("events" in parsed ? parsed.events : [parsed]).map(toInbound);
  },
  async send(config, message, net) {
    const payload = JSON.stringify({
      type: "message",
      message: {
        id: message.reference,
        text: message.text,
        ...(message.media
          ? {
              media: [
                {
                  url: message.media.url,
                  content_type: message.media.contentType,
                  name: message.media.name,
                },
              ],
            }
          : {}),
      },
      to: message.to,
    });
    const response = await sendRequest(net, config.outbound_url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        [CUSTOM_SIGNATURE_HEADER]: `sha256=${await hmacSha256Hex(config.inbound_secret, payload)}`,
      },
      body: payload,
    });
    if (response.ok) {
      const answer = accepted.safeParse(await response.json().catch(() => null));
      return { externalId: answer.success ? answer.data.id : message.reference };
    }
    throw new SendError(
      `the outbound URL answered HTTP ${response.status}`,
      isRetryableStatus(response.status),
      `http_${response.status}`,
      retryAfterSeconds(response),
    );
  },
  async fetchMedia(config, media, net) {
    if (new URL(media.ref).origin !== new URL(config.outbound_url).origin)
      throw new Error("media URL is not on the custom platform's host");
    return net(media.ref);
  },
};
