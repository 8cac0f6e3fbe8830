import { ChevronLeft } from "lucide-preact";
import { useState } from "preact/hooks";
import type { ChannelType } from "../../../../worker/db/schema";
import { request } from "../../../shared/api";
import { Button, Dialog, Field, FormDialog, TextInput, t, useSubmit } from "../../../shared/ui";
import { type Channel, TYPE_ORDER, TypeIcon, typeBlurb, typeName } from "./look";
import { configFrom, PlatformForm, type Values } from "./platform-form";

export type Connected = Channel & { identity_secret: string | null };

const initialValues = (type: ChannelType): Values =>
  type === "email" ? { from_accounts: [{ area: "all", from: "" }] } : {};

function TypePicker({ onPick }: { onPick: (type: ChannelType) => void }) {
  return (
    <div class="type-grid">
      {TYPE_ORDER.map((type) => (
        <button key={type} type="button" class="type-tile" onClick={() => onPick(type)}>
          <TypeIcon type={type} />
          <span>
            <strong>{typeName(type)}</strong>
            <span class="muted">{typeBlurb(type)}</span>
          </span>
        </button>
      ))}
    </div>
  );
}

/** Connecting a channel: pick the platform, then fill in what it needs. */
export function ConnectDialog({
  open,
  onClose,
  onConnected,
}: {
  open: boolean;
  onClose: () => void;
  onConnected: (channel: Connected) => void;
}) {
  const [type, setType] = useState<ChannelType | null>(null);
  const [name, setName] = useState("");
  const [values, setValues] = useState<Values>({});
  const close = () => {
    setType(null);
    setName("");
    onClose();
  };
  const form = useSubmit(
    async () => {
      if (!type) return;
      const channel = await request<Connected>("/api/v1/channels", {
        method: "POST",
        json: { type, name: name.trim() || typeName(type), config: configFrom(type, values) },
      });
      close();
      onConnected(channel);
    },
    { inline: true },
  );
  const pick = (next: ChannelType) => {
    setType(next);
    setValues(initialValues(next));
  };
  if (type === null)
    return (
      <Dialog open={open} onClose={close} wide title={t("channels.connect")}>
        <TypePicker onPick={pick} />
      </Dialog>
    );
  return (
    <FormDialog
      open={open}
      onClose={close}
      wide
      title={t("channels.connectType", { type: typeName(type) })}
      description={typeBlurb(type)}
      submit={t("channels.connectAction")}
      form={form}
      formClass="wide-form"
      footerStart={
        <Button
          variant="ghost"
          class="push-start"
          icon={<ChevronLeft size={16} class="icon flip-rtl" />}
          onClick={() => setType(null)}
        >
          {t("channels.otherPlatform")}
        </Button>
      }
    >
      <Field
        label={t("channels.field.name")}
        hint={t("channels.hint.name")}
        error={form.errors.name}
      >
        <TextInput
          name="name"
          value={name}
          placeholder={typeName(type)}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </Field>
      <PlatformForm type={type} values={values} onChange={setValues} errors={form.errors} />
      {type === "webchat" && <p class="muted">{t("channels.webchatAfterConnect")}</p>}
    </FormDialog>
  );
}
