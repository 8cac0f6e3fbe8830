import { t } from "../../../shared/ui";
import { CopyBox } from "./copy";
import type { Channel } from "./look";

/** The file a site serves at its root so the browser can show Conversa's notifications. */
export const serviceWorkerUrl = () => `${location.origin}/conversa-push-sw.js`;

/** The widget with its push opt-in, and a button the site may place to ask for consent. */
export const pushSnippet = (pushChannelId: string, publicKey: string) =>
  [
    `<script src="${location.origin}/widget.js" data-channel="WEB_CHAT_CHANNEL_ID" data-push-channel="${pushChannelId}" data-push-key="${publicKey}" async></script>`,
    `<button type="button" onclick="Conversa.pushSubscribe()">Get notified</button>`,
  ].join("\n");

/** What a site needs to collect subscriptions for a web push channel. */
export function PushSetup({ channel }: { channel: Channel }) {
  const key = channel.config?.vapid_public_key;
  const publicKey = typeof key === "string" ? key : "";
  return (
    <section class="card setup" aria-label={t("channels.setup")}>
      <CopyBox
        label={t("channels.push.publicKey")}
        value={publicKey}
        hint={t("channels.push.publicKeyHint")}
      />
      <CopyBox
        label={t("channels.push.worker")}
        value={serviceWorkerUrl()}
        hint={t("channels.push.workerHint")}
      />
      <CopyBox
        label={t("channels.push.snippet")}
        value={pushSnippet(channel.id, publicKey)}
        multiline
        hint={t("channels.push.snippetHint")}
      />
    </section>
  );
}
