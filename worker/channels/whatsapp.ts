import { z } from "zod";
import type { TargetFetch } from "../lib/targets";
import type { ChannelConfigOf } from "../schemas/channels";
import { graphBase, graphCheck, graphPost, isPlatformMediaUrl, verifyMetaSignature } from "./meta";
import {
  type ChannelAdapter,
  type InboundEvent,
  type InboundMedia,
  type Outbound,
  SendError,
  type WebhookRequest,
} from "./types";

const waMedia = z.object({
  id: z.string(),
  mime_type: z.string().optional(),
  caption: z.string().optional(),
  filename: z.string().optional(),
});

const waMessage = z.looseObject({
  from: z.string(),
  id: z.string(),
  timestamp: z.string(),
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  image: waMedia.optional(),
  video: waMedia.optional(),
  document: waMedia.optional(),
  audio: waMedia.optional(),
  sticker: waMedia.optional(),
  location: z
    .object({
      latitude: z.number(),
      longitude: z.number(),
      name: z.string().optional(),
      address: z.string().optional(),
    })
    .optional(),
  contacts: z
    .array(
      z.looseObject({
        name: z.object({ formatted_name: z.string() }).optional(),
        phones: z.array(z.object({ phone: z.string().optional() })).optional(),
      }),
    )
    .optional(),
  reaction: z.object({ message_id: z.string(), emoji: z.string().optional() }).optional(),
  interactive: z
    .looseObject({
      button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
      list_reply: z.object({ id: z.string(), title: z.string() }).optional(),
    })
    .optional(),
  button: z.object({ text: z.string(), payload: z.string().optional() }).optional(),
});

const waStatus = z.looseObject({
  id: z.string(),
  status: z.string(),
  timestamp: z.string(),
  recipient_id: z.string().optional(),
  errors: z
    .array(
      z.looseObject({
        code: z.number(),
        title: z.string().optional(),
        message: z.string().optional(),
        error_data: z.object({ details: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});

const waEnvelope = z.looseObject({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(
    z.looseObject({
      changes: z.array(
        z.looseObject({
          field: z.string(),
          value: z.looseObject({
            contacts: z
              .array(
                z.looseObject({
                  wa_id: z.string(),
                  profile: z.object({ name: z.string().optional() }).optional(),
                }),
              )
              .optional(),
            messages: z.array(waMessage).optional(),
            statuses: z.array(waStatus).optional(),
          }),
        }),
      ),
    }),
  ),
});

type WaMessage = z.infer<typeof waMessage>;

const MEDIA_KINDS = ["image", "video", "document", "audio", "sticker"] as const;

function waContent(message: WaMessage): { text: string | null; media: InboundMedia[] } {
  for (const kind of MEDIA_KINDS) {
    const media = message[kind];
    if (media)
      return {
        text: media.caption ?? null,
        media: [{ ref: media.id, contentType: media.mime_type, name: media.filename }],
      };
  }
  if (message.text) return { text: message.text.body, media: [] };
  if (message.location) {
    const { latitude, longitude, name, address } = message.location;
    const label = [name, address].filter(Boolean).join(", ");
    return { text: `📍 ${label ? `${label} ` : ""}(${latitude}, ${longitude})`, media: [] };
  }
  if (message.contacts) {
    const cards = message.contacts.map((c) =>
      [c.name?.formatted_name, ...(c.phones ?? []).map((p) => p.phone)].filter(Boolean).join(" "),
    );
    return { text: `👤 ${cards.join("; ")}`, media: [] };
  }
  const reply = message.interactive?.button_reply ?? message.interactive?.list_reply;
  if (reply) return { text: reply.title, media: [] };
  if (message.button) return { text: message.button.text, media: [] };
  return { text: `[unsupported WhatsApp message: ${message.type}]`, media: [] };
}

const WA_STATUS = { sent: "sent", delivered: "delivered", read: "read", failed: "failed" } as const;

function parseWhatsApp(request: WebhookRequest): InboundEvent[] {
  const envelope = waEnvelope.parse(JSON.parse(request.rawBody));
  const events: InboundEvent[] = [];
  for (const change of envelope.entry.flatMap((e) => e.changes)) {
    if (change.field !== "messages") continue;
    const names = new Map(
      (change.value.contacts ?? []).map((c) => [c.wa_id, c.profile?.name] as const),
    );
    for (const message of change.value.messages ?? []) {
      const from = { id: message.from, name: names.get(message.from), phone: `+${message.from}` };
      const timestamp = Number(message.timestamp) * 1000;
      if (message.reaction) {
        events.push({
          type: "reaction",
          externalId: message.id,
          targetExternalId: message.reaction.message_id,
          from,
          emoji: message.reaction.emoji ?? "",
          timestamp,
        });
        continue;
      }
      events.push({
        type: "message",
        externalId: message.id,
        from,
        timestamp,
        ...waContent(message),
      });
    }
    for (const status of change.value.statuses ?? []) {
      const mapped = WA_STATUS[status.status as keyof typeof WA_STATUS];
      if (!mapped) continue;
      const error = status.errors?.[0];
      events.push({
        type: "status",
        externalId: status.id,
        status: mapped,
        reason: error
          ? `${error.code}: ${error.error_data?.details ?? error.message ?? error.title ?? ""}`.trim()
          : undefined,
        timestamp: Number(status.timestamp) * 1000,
      });
    }
  }
  return events;
}

function whatsappBody(message: Outbound) {
  const base = { messaging_product: "whatsapp", recipient_type: "individual", to: message.to };
  if (message.template) {
    const { name, language, variables } = message.template;
    return {
      ...base,
      type: "template",
      template: {
        name,
        language: { code: language },
        components: variables.length
          ? [{ type: "body", parameters: variables.map((text) => ({ type: "text", text })) }]
          : [],
      },
    };
  }
  if (message.media) {
    const kind = message.media.contentType.startsWith("image/") ? "image" : "document";
    const caption = message.text ? { caption: message.text } : {};
    return kind === "image"
      ? { ...base, type: "image", image: { link: message.media.url, ...caption } }
      : {
          ...base,
          type: "document",
          document: { link: message.media.url, filename: message.media.name, ...caption },
        };
  }
  return { ...base, type: "text", text: { preview_url: false, body: message.text ?? "" } };
}

const waSent = z.object({ messages: z.array(z.object({ id: z.string() })).min(1) });

/** Downloads WhatsApp media: its id resolves to a short-lived URL, fetched with the same token. */
async function fetchWhatsAppMedia(
  config: ChannelConfigOf<"whatsapp">,
  media: InboundMedia,
  net: TargetFetch,
) {
  const auth = { authorization: `Bearer ${config.access_token}` };
  const lookup = await net(`${graphBase(config)}/${encodeURIComponent(media.ref)}`, {
    headers: auth,
  });
  if (!lookup.ok) throw new Error(`media lookup failed: ${lookup.status}`);
  const { url } = z.object({ url: z.string() }).parse(await lookup.json());
  if (!isPlatformMediaUrl(config, url)) throw new Error("media URL is not on the platform's host");
  return net(url, { headers: auth });
}

export const whatsapp: ChannelAdapter<"whatsapp"> = {
  verify: (request, config) => verifyMetaSignature(request, config.app_secret),
  parse: (request) => parseWhatsApp(request),
  async send(config, message, net) {
    const url = `${graphBase(config)}/${config.phone_number_id}/messages`;
    const sent = waSent.safeParse(
      await graphPost(net, url, config.access_token, whatsappBody(message)),
    );
    if (!sent.success) throw new SendError("unexpected answer from WhatsApp", false, "bad_answer");
    return { externalId: sent.data.messages[0]?.id ?? "" };
  },
  check: (config, net) =>
    graphCheck(net, `${graphBase(config)}/${config.phone_number_id}`, config.access_token),
  fetchMedia: fetchWhatsAppMedia,
};

// ---- Messenger and Instagram ----------------------------------------------------------------
