import { useEffect, useState } from "preact/hooks";
import { request } from "../shared/api";
import type { Speaker } from "./i18n";

export type Field = "name" | "email" | "phone";
export type Ask = "off" | "optional" | "required";
export type ChannelConfig = {
  name: string;
  greeting: string | null;
  brand_color: string;
  away: boolean;
  away_reason: "manual" | "closed" | "offline" | null;
  opens_at: string | null;
  away_message: string | null;
  language: string | null;
  prechat: Record<Field, Ask>;
};

const FIELDS: Field[] = ["name", "email", "phone"];

/** The channel's public settings; null until they arrive. */
export function useChannelConfig(base: string, channel: string) {
  const [config, setConfig] = useState<ChannelConfig | null>(null);
  useEffect(() => {
    request<ChannelConfig>(`${base}/widget/v1/channels/${channel}`).then(setConfig, () => {});
  }, [base, channel]);
  return config;
}

/** The pre-chat questions the channel asks, in form order. */
export const askedFields = (config: ChannelConfig) =>
  FIELDS.map((f) => [f, config.prechat[f]] as [Field, Ask]).filter(([, ask]) => ask !== "off");

/** Why nobody answers now: the channel's own words, else one that fits the reason. */
export const awayText = (config: ChannelConfig, s: Speaker) =>
  config.away_message ?? awayReasonText(config, s);

function awayReasonText(config: ChannelConfig, s: Speaker) {
  if (config.away_reason === "closed")
    return config.opens_at
      ? s.t("away_closed", { time: s.day(Date.parse(config.opens_at)) })
      : s.t("away_closed_later");
  return config.away_reason === "offline" ? s.t("away_offline") : s.t("away_manual");
}
