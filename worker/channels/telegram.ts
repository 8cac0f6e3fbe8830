import { z } from "zod";
import { constantTimeEqual } from "../lib/crypto";
import type { TargetFetch } from "../lib/targets";
import type { ChannelConfigOf } from "../schemas/channels";
import { isRetryableStatus, sendRequest, trimSlash } from "./http";
import {
  type ChannelAdapter,
  type InboundEvent,
  type InboundMedia,
  type InboundMessage,
  SendError,
} from "./types";

type TelegramConfig = ChannelConfigOf<"telegram">;

const TELEGRAM = "https://api.telegram.org";

const user = z.object({
  id: z.number(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
});
const file = z.object({
  file_id: z.string(),
  mime_type: z.string().optional(),
  file_name: z.string().optional(),
});
const message = z.object({
  message_id: z.number(),
  from: user.optional(),
  chat: z.object({ id: z.number() }),
  date: z.number(),
  edit_date: z.number().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  /** The same picture in several sizes, smallest first. */
  photo: z.array(file).optional(),
  document: file.optional(),
  video: file.optional(),
  voice: file.optional(),
  audio: file.optional(),
  sticker: file.optional(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).optional(),
});
const update = z.object({
  update_id: z.number(),
  message: message.optional(),
  edited_message: message.optional(),
  callback_query: z.object({ id: z.string(), from: user, data: z.string().optional() }).optional(),
});

type TelegramUser = z.infer<typeof user>;
type TelegramMessage = z.infer<typeof message>;

const fullName = (u: TelegramUser) =>
  [u.first_name, u.last_name].filter(Boolean).join(" ") || u.username;

const senderOf = (u: TelegramUser) => ({ id: String(u.id), name: fullName(u) });

function mediaOf(m: TelegramMessage): InboundMedia[] {
  const largestPhoto = m.photo?.at(-1);
  if (largestPhoto) return [{ ref: largestPhoto.file_id, contentType: "image/jpeg" }];
  const attached = m.document ?? m.video ?? m.voice ?? m.audio ?? m.sticker;
  return attached
    ? [{ ref: attached.file_id, contentType: attached.mime_type, name: attached.file_name }]
    : [];
}

function textOf(m: TelegramMessage, media: InboundMedia[]): string | null {
  const text = m.text ?? m.caption;
  if (text !== undefined) return text;
  if (m.location) return `📍 (${m.location.latitude}, ${m.location.longitude})`;
  return media.length ? null : "[unsupported Telegram message]";
}

function fromMessage(m: TelegramMessage, externalId: string, at: number): InboundMessage {
  const media = mediaOf(m);
  return {
    type: "message",
    externalId,
    // in a private chat the chat id is the user id; messages without `from` come from the chat
    from: m.from ? senderOf(m.from) : { id: String(m.chat.id) },
    text: textOf(m, media),
    media,
    timestamp: at * 1000,
  };
}

function parseUpdate(rawBody: string): InboundEvent[] {
  const u = update.parse(JSON.parse(rawBody));
  if (u.message) {
    const m = u.message;
    return [fromMessage(m, `${m.chat.id}:${m.message_id}`, m.date)];
  }
  if (u.edited_message) {
    const m = u.edited_message;
    const editedAt = m.edit_date ?? m.date;
    return [fromMessage(m, `${m.chat.id}:${m.message_id}:edit:${editedAt}`, editedAt)];
  }
  const query = u.callback_query;
  if (query?.data !== undefined)
    return [
      {
        type: "message",
        externalId: `callback:${query.id}`,
        from: senderOf(query.from),
        text: query.data,
        media: [],
        // callback queries carry no date of their own
        timestamp: Date.now(),
      },
    ];
  return [];
}

const apiAnswer = z.object({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.number().optional(),
  description: z.string().optional(),
  parameters: z.object({ retry_after: z.number().optional() }).optional(),
});
const sentMessage = z.object({ message_id: z.number(), chat: z.object({ id: z.number() }) });
const foundFile = z.object({ file_path: z.string() });

const apiBase = (config: TelegramConfig) => trimSlash(config.api_base_url ?? TELEGRAM);
const methodUrl = (config: TelegramConfig, method: string) =>
  `${apiBase(config)}/bot${config.bot_token}/${method}`;

/** Calls a Bot API method; its `result`, or a SendError saying whether a retry may help. */
async function callApi(
  net: TargetFetch,
  config: TelegramConfig,
  method: string,
  params: object,
): Promise<unknown> {
  const response = await sendRequest(net, methodUrl(config, method), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  const parsed = apiAnswer.safeParse(await response.json().catch(() => null));
  const answer = parsed.success ? parsed.data : undefined;
  if (response.ok && answer?.ok) return answer.result;
  const code = answer?.error_code ?? response.status;
  throw new SendError(
    answer?.description ?? `Telegram answered HTTP ${response.status}`,
    isRetryableStatus(code),
    `telegram_${code}`,
    answer?.parameters?.retry_after,
  );
}

export const telegram: ChannelAdapter<"telegram"> = {
  async verify(request, config) {
    const given = request.headers.get("x-telegram-bot-api-secret-token") ?? "";
    const encoder = new TextEncoder();
    return constantTimeEqual(encoder.encode(given), encoder.encode(config.secret_token));
  },

  parse: (request) => parseUpdate(request.rawBody),

  async send(config, outbound, net) {
    const { media } = outbound;
    const photo = media?.contentType.startsWith("image/");
    const result = media
      ? await callApi(net, config, photo ? "sendPhoto" : "sendDocument", {
          chat_id: outbound.to,
          [photo ? "photo" : "document"]: media.url,
          ...(outbound.text ? { caption: outbound.text } : {}),
        })
      : await callApi(net, config, "sendMessage", {
          chat_id: outbound.to,
          text: outbound.text ?? "",
        });
    const sent = sentMessage.safeParse(result);
    if (!sent.success) throw new SendError("unexpected answer from Telegram", false, "bad_answer");
    return { externalId: `${sent.data.chat.id}:${sent.data.message_id}` };
  },

  async check(config, net) {
    await callApi(net, config, "getMe", {});
  },

  async fetchMedia(config, media, net) {
    const found = foundFile.parse(await callApi(net, config, "getFile", { file_id: media.ref }));
    return net(`${apiBase(config)}/file/bot${config.bot_token}/${found.file_path}`);
  },
};
