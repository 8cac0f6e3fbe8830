import type { ChannelType } from "../db/schema";
import { custom } from "./custom";
import { email } from "./email";
import { instagram, messenger } from "./messenger";
import { telegram } from "./telegram";
import { twilioSms } from "./twilio";
import type { ChannelAdapter } from "./types";
import { webPush } from "./web-push";
import { whatsapp } from "./whatsapp";

export type PlatformType = Exclude<ChannelType, "webchat">;

const ADAPTERS: { [T in PlatformType]: ChannelAdapter<T> } = {
  whatsapp,
  messenger,
  instagram,
  telegram,
  twilio_sms: twilioSms,
  email,
  custom,
  web_push: webPush,
};

export const isPlatformChannel = (type: ChannelType): type is PlatformType => type !== "webchat";

/** The adapter of a platform channel, typed loosely for code that handles every platform alike. */
export function adapterFor(type: PlatformType): ChannelAdapter<PlatformType> {
  return ADAPTERS[type] as unknown as ChannelAdapter<PlatformType>;
}
