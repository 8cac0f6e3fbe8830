import { Check, Copy, RefreshCw } from "lucide-preact";
import { useId, useState } from "preact/hooks";
import { Button, confirmAction, copyText, problemMessage, t, toast } from "../../shared/ui";
import { type Automation, rotateWebhookUrl } from "./api";

type Props = {
  automation: Automation | null;
  editable: boolean;
  onRotated: (automation: Automation) => void;
};

const EXAMPLE_BODY = '{"contact":{"email":"ana@example.com"},"data":{"order_id":"A-1001"}}';

/** A shell example of a call, signed when the trigger has a secret. */
function curlExample(url: string, signed: boolean) {
  const lines = [`body='${EXAMPLE_BODY}'`];
  if (signed)
    lines.push(
      `sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$SECRET" -hex | sed 's/^.* //')`,
    );
  lines.push(
    [
      `curl -X POST '${url}'`,
      `  -H 'Content-Type: application/json'`,
      ...(signed ? [`  -H "X-Conversa-Signature: sha256=$sig"`] : []),
      `  -d "$body"`,
    ].join(" \\\n"),
  );
  return lines.join("\n");
}

/** The webhook trigger's URL to call, with copy and rotate, and how to call and sign it. */
export function WebhookAddress({ automation, editable, onRotated }: Props) {
  const url = automation?.webhook_url;
  if (!automation || !url) return <p class="muted small">{t("automations.webhook.saveFirst")}</p>;
  return (
    <div class="webhook-address stack">
      <UrlField url={url} rotate={editable ? () => rotate(automation.id, onRotated) : undefined} />
      <p class="muted small">
        {t("automations.webhook.howTo", { variable: "{{trigger.data.…}}" })}{" "}
        {automation.has_secret
          ? t("automations.webhook.howToSign")
          : t("automations.webhook.unsigned")}
      </p>
      <pre class="webhook-example" dir="ltr">
        {curlExample(url, automation.has_secret)}
      </pre>
    </div>
  );
}

async function rotate(id: string, onRotated: (automation: Automation) => void) {
  const ok = await confirmAction({
    title: t("automations.webhook.rotateTitle"),
    body: t("automations.webhook.rotateBody"),
    confirm: t("automations.webhook.rotate"),
    danger: true,
  });
  if (!ok) return;
  try {
    onRotated(await rotateWebhookUrl(id));
    toast.success(t("automations.webhook.rotated"));
  } catch (error) {
    toast.error(problemMessage(error));
  }
}

function UrlField({ url, rotate }: { url: string; rotate: (() => void) | undefined }) {
  const [copied, setCopied] = useState(false);
  let input: HTMLInputElement | null = null;
  const copy = async () => {
    const done = await copyText(url, input);
    setCopied(done);
    if (done) toast.success(t("common.copied"));
  };
  const id = useId();
  return (
    <div class="field">
      <label for={id}>{t("automations.webhook.url")}</label>
      <div class="webhook-url-row">
        <input
          id={id}
          class="input mono"
          readOnly
          dir="ltr"
          value={url}
          ref={(el) => {
            input = el;
          }}
          onFocus={(e) => e.currentTarget.select()}
        />
        <Button icon={copied ? <Check size={16} /> : <Copy size={16} />} onClick={copy}>
          {copied ? t("common.copied") : t("common.copy")}
        </Button>
        {rotate && (
          <Button icon={<RefreshCw size={16} />} onClick={rotate}>
            {t("automations.webhook.rotate")}
          </Button>
        )}
      </div>
    </div>
  );
}
