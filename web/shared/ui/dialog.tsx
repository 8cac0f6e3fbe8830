import { X } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { Button, IconButton } from "./button";
import { t } from "./i18n";

type DialogProps = {
  open: boolean;
  onClose: () => void;
  title: ComponentChildren;
  children: ComponentChildren;
  /** buttons at the bottom */
  footer?: ComponentChildren;
  kind?: "modal" | "drawer";
  wide?: boolean;
};

/**
 * A modal dialog or a side drawer on the native <dialog>: focus moves in and is trapped,
 * Esc and the backdrop close it, focus returns to where it was.
 */
export function Dialog({
  open,
  onClose,
  title,
  children,
  footer,
  kind = "modal",
  wide,
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  if (!open) return null;
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: a click on the backdrop closes it; Esc does from the keyboard (onCancel)
    <dialog
      ref={ref}
      class={`${kind} ${wide ? "wide" : ""}`}
      aria-labelledby="dialog-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      onClick={(e) => e.target === ref.current && onClose()}
    >
      <div class="dialog-head">
        <h2 id="dialog-title">{title}</h2>
        <IconButton label={t("common.close")} icon={<X size={18} />} onClick={onClose} />
      </div>
      <div class="dialog-body">{children}</div>
      {footer && <div class="dialog-foot">{footer}</div>}
    </dialog>
  );
}

type Confirmation = {
  title: string;
  body?: ComponentChildren;
  confirm?: string;
  danger?: boolean;
};

let ask: ((c: Confirmation) => Promise<boolean>) | null = null;

/** Asks the user to confirm (a destructive action, say); resolves to their answer. */
export const confirmAction = (c: Confirmation) => ask?.(c) ?? Promise.resolve(false);

/** Mount once: the dialog `confirmAction` opens. */
export function ConfirmHost() {
  const [pending, setPending] = useState<(Confirmation & { answer: (ok: boolean) => void }) | null>(
    null,
  );
  useEffect(() => {
    ask = (c) => new Promise((answer) => setPending({ ...c, answer }));
    return () => {
      ask = null;
    };
  }, []);
  const close = (ok: boolean) => {
    pending?.answer(ok);
    setPending(null);
  };
  return (
    <Dialog
      open={pending !== null}
      onClose={() => close(false)}
      title={pending?.title}
      footer={
        <>
          <Button onClick={() => close(false)}>{t("common.cancel")}</Button>
          <Button variant={pending?.danger ? "danger" : "primary"} onClick={() => close(true)}>
            {pending?.confirm ?? t("common.confirm")}
          </Button>
        </>
      }
    >
      {pending?.body}
    </Dialog>
  );
}
