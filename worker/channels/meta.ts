import { z } from "zod";
import { bytesToHex, constantTimeEqual } from "../lib/crypto";
import type { TargetFetch } from "../lib/targets";
import type { ChannelConfigOf } from "../schemas/channels";
import { isRetryableStatus, retryAfterSeconds, sendRequest, trimSlash } from "./http";
import {
  type ChannelAdapter,
  type InboundEvent,
  type InboundMedia,
  type InboundMessage,
  type Outbound,
  SendError,
  type WebhookRequest,
} from "./types";

const GRAPH = "https://graph.facebook.com";
const DEFAULT_VERSION = "v21.0";
/** Hosts Meta serves media from when the real Graph API is used. */
const META_MEDIA_HOSTS = [/\.fbcdn\.net$/, /\.fbsbx\.com$/, /^graph\.facebook\.com$/];

type MetaConfig = { api_base_url?: string | undefined; api_version?: string | undefined };
export const graphBase = (config: MetaConfig) =>
  `${trimSlash(config.api_base_url ?? GRAPH)}/${config.api_version ?? DEFAULT_VERSION}`;

/** The GET handshake Meta makes when the webhook is configured: the challenge, or null (→ 403). */
export function metaHandshake(url: URL, verifyToken: string): string | null {
  const mode = url.searchParams.get("hub.mode");
  const token = url.searchParams.get("hub.verify_token") ?? "";
  const challenge = url.searchParams.get("hub.challenge");
  const encoder = new TextEncoder();
  const matches = constantTimeEqual(encoder.encode(token), encoder.encode(verifyToken));
  return mode === "subscribe" && matches && challenge !== null ? challenge : null;
}

/** `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body bytes)>`. */
export async function verifyMetaSignature(request: WebhookRequest, appSecret: string) {
  const header = request.headers.get("x-hub-signature-256") ?? "";
  const hex = /^sha256=([0-9a-f]{64})$/i.exec(header)?.[1];
  if (!hex) return false;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(appSecret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const expected = bytesToHex(await crypto.subtle.sign("HMAC", key, request.rawBytes));
  const encoder = new TextEncoder();
  return constantTimeEqual(encoder.encode(expected), encoder.encode(hex.toLowerCase()));
}

/** Media may only come from the platform itself: the configured base URL, or Meta's CDN. */
export function isPlatformMediaUrl(config: MetaConfig, url: string) {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (config.api_base_url) return target.origin === new URL(config.api_base_url).origin;
  return target.protocol === "https:" && META_MEDIA_HOSTS.some((h) => h.test(target.hostname));
}

// ---- WhatsApp Cloud API -------------------------------------------------------------------

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

const graphError = z.object({
  error: z.looseObject({
    message: z.string().optional(),
    code: z.number().optional(),
    error_subcode: z.number().optional(),
    error_data: z.object({ details: z.string().optional() }).optional(),
  }),
});

/** Graph error codes worth retrying: throttling and transient server errors. */
const RETRYABLE_GRAPH_CODES = new Set([
  1, 2, 4, 17, 32, 613, 80007, 130429, 131000, 131056, 133004,
]);

async function graphPost(
  net: TargetFetch,
  url: string,
  token: string,
  body: unknown,
): Promise<unknown> {
  const response = await sendRequest(net, url, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return graphAnswer(response);
}

/** Reads an object's id with the token: the check that the token may use it. */
async function graphCheck(net: TargetFetch, url: string, token: string) {
  const response = await sendRequest(net, `${url}?fields=id`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await graphAnswer(response);
}

/** The answer's JSON, or a SendError keyed on Meta's error code. */
async function graphAnswer(response: Response): Promise<unknown> {
  const payload: unknown = await response.json().catch(() => null);
  if (response.ok) return payload;
  const parsed = graphError.safeParse(payload);
  const error = parsed.success ? parsed.data.error : undefined;
  const code = error?.code;
  const retryable =
    isRetryableStatus(response.status) || (code !== undefined && RETRYABLE_GRAPH_CODES.has(code));
  throw new SendError(
    error?.error_data?.details ?? error?.message ?? `HTTP ${response.status}`,
    retryable,
    code === undefined ? `http_${response.status}` : `meta_${code}`,
    retryAfterSeconds(response),
  );
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
