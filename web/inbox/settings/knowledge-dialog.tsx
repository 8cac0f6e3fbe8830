import { Plus, Trash2 } from "lucide-preact";
import { useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Button,
  Field,
  FormDialog,
  formatNumber,
  IconButton,
  Select,
  Tabs,
  TextArea,
  TextInput,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";

export type Source = components["schemas"]["KnowledgeSource"];
type CsvResult = components["schemas"]["KnowledgeQaCsvResult"];
type Kind = "text" | "qa" | "url" | "file";
type Pair = { question: string; answer: string };

const KINDS: Kind[] = ["text", "qa", "url", "file"];
const RECRAWL_CHOICES = ["", "6", "24", "168"];
const FILE_TYPES =
  ".txt,.md,.markdown,.html,.htm,.csv,.pdf,text/plain,text/markdown,text/html,text/csv,application/pdf";
const isCsv = (file: File) => file.type === "text/csv" || /\.csv$/i.test(file.name);

type Draft = {
  title: string;
  text: string;
  pairs: Pair[];
  url: string;
  recrawl: string;
  file: File | null;
};
const EMPTY: Draft = {
  title: "",
  text: "",
  pairs: [{ question: "", answer: "" }],
  url: "",
  recrawl: "",
  file: null,
};

/** Sends the draft of the chosen kind; a CSV file becomes Q&A pairs, its left-out rows told. */
async function save(kind: Kind, draft: Draft): Promise<Source> {
  const title = draft.title.trim();
  if (kind === "file") {
    const file = draft.file ?? new File([], "");
    if (isCsv(file)) {
      const query = title ? `?title=${encodeURIComponent(title)}` : "";
      const result = await request<CsvResult>(`/api/v1/knowledge/sources/qa-csv${query}`, {
        method: "POST",
        headers: { "content-type": "text/csv" },
        body: await file.text(),
      });
      if (result.rejected.length)
        toast.error(t("knowledge.csvRejected", { count: result.rejected.length }));
      return result.source;
    }
    const form = new FormData();
    form.set("file", file);
    if (title) form.set("title", title);
    return request<Source>("/api/v1/knowledge/sources/file", { method: "POST", body: form });
  }
  const json =
    kind === "text"
      ? { kind, title, text: draft.text }
      : kind === "qa"
        ? { kind, title, pairs: draft.pairs }
        : {
            kind,
            url: draft.url.trim(),
            ...(title ? { title } : {}),
            recrawl_hours: draft.recrawl ? Number(draft.recrawl) : null,
          };
  return request<Source>("/api/v1/knowledge/sources", { method: "POST", json });
}

function PairsEditor({
  pairs,
  errors,
  onChange,
}: {
  pairs: Pair[];
  errors: Record<string, string>;
  onChange: (pairs: Pair[]) => void;
}) {
  const set = (i: number, change: Partial<Pair>) =>
    onChange(pairs.map((p, at) => (at === i ? { ...p, ...change } : p)));
  return (
    <fieldset class="stack knowledge-pairs">
      <legend class="label">{t("knowledge.pairs")}</legend>
      {errors.pairs && (
        <span class="field-error" role="alert">
          {errors.pairs}
        </span>
      )}
      {pairs.map((pair, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: pairs have no id until saved
        <div class="knowledge-pair" key={i}>
          <Field
            label={t("knowledge.question", { number: i + 1 })}
            error={errors[`pairs.${i}.question`]}
          >
            <TextInput
              value={pair.question}
              maxLength={1000}
              onInput={(e) => set(i, { question: e.currentTarget.value })}
            />
          </Field>
          <Field label={t("knowledge.answer")} error={errors[`pairs.${i}.answer`]}>
            <TextArea
              rows={2}
              value={pair.answer}
              maxLength={4000}
              onInput={(e) => set(i, { answer: e.currentTarget.value })}
            />
          </Field>
          {pairs.length > 1 && (
            <IconButton
              label={t("knowledge.removePair", { number: i + 1 })}
              icon={<Trash2 size={16} />}
              onClick={() => onChange(pairs.filter((_, at) => at !== i))}
            />
          )}
        </div>
      ))}
      <div>
        <Button
          icon={<Plus size={16} />}
          onClick={() => onChange([...pairs, { question: "", answer: "" }])}
        >
          {t("knowledge.addPair")}
        </Button>
      </div>
    </fieldset>
  );
}

/** Adds a source of any kind: pasted text, Q&A pairs, a web page, or a file. */
export function AddSourceDialog({
  open,
  onClose,
  onSaved,
}: {
  open: boolean;
  onClose: () => void;
  onSaved: (source: Source) => void;
}) {
  const [kind, setKind] = useState<Kind>("text");
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const form = useSubmit(
    async () => {
      const source = await save(kind, draft);
      setDraft(EMPTY);
      onSaved(source);
      if (source.status === "failed")
        toast.error(
          t(source.kind === "file" ? "knowledge.fileFailed" : "knowledge.crawlFailed", {
            error: source.error ?? "",
          }),
        );
    },
    { success: t("knowledge.saved"), inline: true },
  );
  const { errors } = form;
  const edit = (change: Partial<Draft>) => setDraft({ ...draft, ...change });
  const titleField = (optional: boolean) => (
    <Field
      label={t("knowledge.titleField")}
      hint={optional ? t(`knowledge.titleHint.${kind}`) : undefined}
      error={errors.title}
    >
      <TextInput
        name="title"
        value={draft.title}
        maxLength={200}
        onInput={(e) => edit({ title: e.currentTarget.value })}
      />
    </Field>
  );
  return (
    <FormDialog
      open={open}
      onClose={onClose}
      title={t("knowledge.add")}
      submit={t("knowledge.addSubmit")}
      form={form}
      wide
    >
      <Tabs
        label={t("knowledge.kindLabel")}
        value={kind}
        onChange={(id) => {
          setKind(id as Kind);
          form.setErrors({});
        }}
        tabs={KINDS.map((id) => ({ id, label: t(`knowledge.kinds.${id}`) }))}
      />
      {kind === "text" && (
        <>
          {titleField(false)}
          <Field label={t("knowledge.text")} hint={t("knowledge.textHint")} error={errors.text}>
            <TextArea
              name="text"
              rows={10}
              value={draft.text}
              onInput={(e) => edit({ text: e.currentTarget.value })}
            />
          </Field>
        </>
      )}
      {kind === "qa" && (
        <>
          {titleField(false)}
          <PairsEditor pairs={draft.pairs} errors={errors} onChange={(pairs) => edit({ pairs })} />
        </>
      )}
      {kind === "url" && (
        <>
          <Field label={t("knowledge.url")} hint={t("knowledge.urlHint")} error={errors.url}>
            <TextInput
              name="url"
              type="url"
              inputMode="url"
              dir="ltr"
              placeholder="https://help.example.com/refunds"
              value={draft.url}
              onInput={(e) => edit({ url: e.currentTarget.value })}
            />
          </Field>
          {titleField(true)}
          <Field label={t("knowledge.recrawl")} error={errors.recrawl_hours}>
            <Select
              value={draft.recrawl}
              onChange={(e) => edit({ recrawl: e.currentTarget.value })}
              options={RECRAWL_CHOICES.map((hours) => ({
                value: hours,
                label: t(`knowledge.recrawlEvery.${hours || "never"}`),
              }))}
            />
          </Field>
        </>
      )}
      {kind === "file" && (
        <>
          <Field label={t("knowledge.file")} hint={t("knowledge.fileHint")} error={errors.file}>
            <input
              class="input file-input"
              type="file"
              name="file"
              accept={FILE_TYPES}
              onChange={(e) => edit({ file: e.currentTarget.files?.[0] ?? null })}
            />
          </Field>
          {draft.file && (
            <p class="muted small">
              {t("knowledge.fileChosen", {
                name: draft.file.name,
                size: formatNumber(Math.ceil(draft.file.size / 1024)),
              })}
            </p>
          )}
          {titleField(true)}
        </>
      )}
    </FormDialog>
  );
}
