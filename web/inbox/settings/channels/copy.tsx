import { Check, Copy } from "lucide-preact";
import { useId, useState } from "preact/hooks";
import { Button, t, toast } from "../../../shared/ui";

/** A value to paste elsewhere (a webhook URL, the embed code, a secret), with a copy button. */
export function CopyBox({
  label,
  value,
  multiline,
  hint,
}: {
  label: string;
  value: string;
  multiline?: boolean;
  hint?: string;
}) {
  const [copied, setCopied] = useState(false);
  const labelId = useId();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
      toast.success(t("common.copied"));
      setTimeout(() => setCopied(false), 2000);
    } catch {
      toast.error(t("channels.copyFailed"));
    }
  };
  return (
    <div class="copy-box" data-copy={label}>
      <div class="copy-head">
        <span class="label" id={labelId}>
          {label}
        </span>
        <Button
          size="sm"
          variant="secondary"
          icon={copied ? <Check size={14} /> : <Copy size={14} />}
          onClick={copy}
          aria-describedby={labelId}
        >
          {copied ? t("common.copied") : t("common.copy")}
        </Button>
      </div>
      {multiline ? <pre class="copy-value">{value}</pre> : <code class="copy-value">{value}</code>}
      {hint && <p class="hint">{hint}</p>}
    </div>
  );
}
