import { z } from "zod";
import { graphBase, graphCheck, graphPost, isPlatformMediaUrl, verifyMetaSignature } from "./meta";
import {
  type ChannelAdapter,
  type InboundEvent,
  type InboundMessage,
  SendError,
  type WebhookRequest,
} from "./types";

const pageEvent = z.looseObject({
  sender: z.object({ id: z.string() }),
  recipient: z.object({ id: z.string() }),
  timestamp: z.number(),
  message: z
    .looseObject({
      mid: z.string(),
      text: z.string().optional(),
      is_echo: z.boolean().optional(),
      attachments: z
        .array(
          z.looseObject({
            type: z.string(),
            payload: z.looseObject({ url: z.string().optional() }).nullish(),
          }),
        )
        .optional(),
      reply_to: z.object({ mid: z.string().optional() }).optional(),
    })
    .optional(),
  delivery: z.object({ mids: z.array(z.string()).optional(), watermark: z.number() }).optional(),
  read: z.object({ watermark: z.number() }).optional(),
  reaction: z
    .object({ mid: z.string(), action: z.string(), emoji: z.string().optional() })
    .optional(),
  postback: z
    .object({ title: z.string(), payload: z.string().optional(), mid: z.string().optional() })
    .optional(),
});

const pageEnvelope = z.looseObject({
  object: z.enum(["page", "instagram"]),
  entry: z.array(z.looseObject({ messaging: z.array(pageEvent).optional() })),
});

const CONTENT_TYPES: Record<string, string> = {
  image: "image/jpeg",
  video: "video/mp4",
  audio: "audio/mpeg",
  file: "application/octet-stream",
};

function parsePageEvent(event: z.infer<typeof pageEvent>): InboundEvent[] {
  const from = { id: event.sender.id };
  if (event.message && !event.message.is_echo) {
    const media = (event.message.attachments ?? []).flatMap((a) =>
      a.payload?.url ? [{ ref: a.payload.url, contentType: CONTENT_TYPES[a.type] }] : [],
    );
    const message: InboundMessage = {
      type: "message",
      externalId: event.message.mid,
      from,
      text: event.message.text ?? null,
      media,
      timestamp: event.timestamp,
    };
    return [message];
  }
  if (event.postback) {
    return [
      {
        type: "message",
        externalId: event.postback.mid ?? `postback:${event.sender.id}:${event.timestamp}`,
        from,
        text: event.postback.title,
        media: [],
        timestamp: event.timestamp,
      },
    ];
  }
  if (event.delivery) {
    return (event.delivery.mids ?? []).map((mid) => ({
      type: "status" as const,
      externalId: mid,
      status: "delivered" as const,
      timestamp: event.timestamp,
    }));
  }
  if (event.read) return [{ type: "read_watermark", from, watermark: event.read.watermark }];
  if (event.reaction) {
    return [
      {
        type: "reaction",
        externalId: `reaction:${event.reaction.mid}:${event.sender.id}:${event.timestamp}`,
        targetExternalId: event.reaction.mid,
        from,
        emoji: event.reaction.action === "unreact" ? "" : (event.reaction.emoji ?? ""),
        timestamp: event.timestamp,
      },
    ];
  }
  return [];
}

function parsePage(request: WebhookRequest, object: "page" | "instagram"): InboundEvent[] {
  const envelope = pageEnvelope.parse(JSON.parse(request.rawBody));
  if (envelope.object !== object) return [];
  return envelope.entry.flatMap((e) => e.messaging ?? []).flatMap(parsePageEvent);
}

const pageSent = z.object({ message_id: z.string() });

function pageAdapter<T extends "messenger" | "instagram">(
  object: "page" | "instagram",
): ChannelAdapter<T> {
  return {
    verify: (request, config) => verifyMetaSignature(request, config.app_secret),
    parse: (request) => parsePage(request, object),
    async send(config, message, net) {
      const body = {
        recipient: { id: message.to },
        ...(message.humanAgentTag
          ? { messaging_type: "MESSAGE_TAG", tag: "HUMAN_AGENT" }
          : { messaging_type: "RESPONSE" }),
        message: message.media
          ? {
              attachment: {
                type: message.media.contentType.startsWith("image/") ? "image" : "file",
                payload: { url: message.media.url, is_reusable: false },
              },
            }
          : { text: message.text ?? "" },
      };
      const url = `${graphBase(config)}/${config.page_id}/messages`;
      const sent = pageSent.safeParse(await graphPost(net, url, config.page_access_token, body));
      if (!sent.success) throw new SendError("unexpected answer from Meta", false, "bad_answer");
      return { externalId: sent.data.message_id };
    },
    check: (config, net) =>
      graphCheck(net, `${graphBase(config)}/${config.page_id}`, config.page_access_token),
    async fetchMedia(config, media, net) {
      if (!isPlatformMediaUrl(config, media.ref))
        throw new Error("media URL is not on the platform's host");
      return net(media.ref);
    },
  };
}

export const messenger = pageAdapter<"messenger">("page");

export const instagram = pageAdapter<"instagram">("instagram");
