import { Check, Copy, TriangleAlert } from "lucide-preact";
import { useState } from "preact/hooks";
import { Button, copyText, t, toast } from "../../shared/ui";
import "./developers.css";

/**
 * A secret shown this once (an API key, a signing secret): a warning that it will not be shown
 * again, the value in a read-only field and a copy button.
 */
export function OneTimeSecret({
  label,
  value,
  warning,
}: {
  label: string;
  value: string;
  warning: string;
}) {
  const [copied, setCopied] = useState(false);
  let input: HTMLInputElement | null = null;
  const copy = async () => {
    const done = await copyText(value, input);
    setCopied(done);
    if (done) toast.success(t("common.copied"));
  };
  return (
    <div class="one-time-secret">
      <p class="secret-warning" role="note">
        <TriangleAlert size={18} aria-hidden="true" class="icon" />
        <span>{warning}</span>
      </p>
      <label class="secret-label" for="one-time-secret">
        {label}
      </label>
      <div class="secret-row">
        <input
          id="one-time-secret"
          class="input mono"
          readOnly
          value={value}
          ref={(el) => {
            input = el;
          }}
          onFocus={(e) => e.currentTarget.select()}
        />
        <Button
          variant="primary"
          icon={copied ? <Check size={16} /> : <Copy size={16} />}
          onClick={copy}
        >
          {copied ? t("common.copied") : t("common.copy")}
        </Button>
      </div>
    </div>
  );
}
