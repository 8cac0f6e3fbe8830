import { CircleAlert, CircleCheck, X } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "./i18n";

type Toast = { id: number; text: string; tone: "success" | "error" | "info" };

let listener: ((toasts: Toast[]) => void) | null = null;
let toasts: Toast[] = [];
let next = 1;

function show(text: string, tone: Toast["tone"]) {
  const id = next++;
  toasts = [...toasts, { id, text, tone }].slice(-4);
  listener?.(toasts);
  setTimeout(() => dismiss(id), tone === "error" ? 8000 : 4000);
}

function dismiss(id: number) {
  toasts = toasts.filter((x) => x.id !== id);
  listener?.(toasts);
}

/** Short messages in the corner: `toast.success(t("common.saved"))`. */
export const toast = {
  success: (text: string) => show(text, "success"),
  error: (text: string) => show(text, "error"),
  info: (text: string) => show(text, "info"),
};

/** Mount once; announces toasts politely (errors assertively). */
export function Toaster() {
  const [shown, setShown] = useState<Toast[]>(toasts);
  useEffect(() => {
    listener = setShown;
    return () => {
      listener = null;
    };
  }, []);
  return (
    <div class="toaster" aria-live="polite">
      {shown.map((x) => (
        <div key={x.id} class={`toast ${x.tone}`} role={x.tone === "error" ? "alert" : "status"}>
          {x.tone === "error" ? <CircleAlert size={18} /> : <CircleCheck size={18} />}
          <span class="toast-text">{x.text}</span>
          <button type="button" aria-label={t("common.dismiss")} onClick={() => dismiss(x.id)}>
            <X size={16} />
          </button>
        </div>
      ))}
    </div>
  );
}
