import { Plus, Trash2 } from "lucide-preact";
import { Button, Checkbox, Field, IconButton, Select, Switch, TextInput, t } from "../../shared/ui";
import type { Contact } from "../contacts/api";
import { type Split, sampleSummary, type Variant } from "./ab-summary";
import type { Channel, Draft, Message, Snippet } from "./api";
import { MessageEditor, messageChosen, messageForChannel } from "./message";

const KEYS = ["A", "B", "C", "D"];
const DEFAULT_SPLIT: Split = { sample_percent: 20, winner_by: "replies", decide_after_hours: 24 };

const clicksUntracked = (draft: Draft) =>
  draft.split?.winner_by === "clicks" && draft.track_clicks === false;

/** The message step is done: the message, or every variant and a split that can be measured. */
export const contentChosen = (draft: Draft) =>
  draft.variants
    ? draft.variants.every((v) => messageChosen(v.message)) && !clicksUntracked(draft)
    : messageChosen(draft.message);

/** What the API is sent: the one message, or the variants and their split (never both). */
export function bodyOf(draft: Draft) {
  const { send_at: _, message, variants, split, ...rest } = draft;
  return variants && split ? { ...rest, variants, split } : { ...rest, message };
}

/** Another channel: WhatsApp templates of the old one start over as text. */
export const withChannel = (draft: Draft, channel_id: string): Draft => ({
  ...draft,
  channel_id,
  message: messageForChannel(draft.message),
  variants: draft.variants?.map((v) => ({ ...v, message: messageForChannel(v.message) })),
});

/** The schedule repeats every period (a step with a repeat choice has `at: "repeat"`). */
export const repeatsOn = (schedule: { at: string }) => schedule.at === "repeat";

/** An A/B test is sent once: the API refuses it a recurrence, so the builder does first. */
export const repeatsWithTest = (draft: Draft, schedule: { at: string }) =>
  Boolean(draft.variants) && repeatsOn(schedule);

/** Why the schedule step cannot go on while an A/B test is set to repeat. */
export const RepeatRefused = () => (
  <p class="field-error ab-repeat-refused" role="alert">
    {t("broadcasts.ab.repeatRefused")}
  </p>
);

/** Variants keep their letters in order: A, B, C, D. */
const rekeyed = (messages: Message[]): Variant[] =>
  messages.map((message, i) => ({ key: KEYS[i] as string, message }));

function SplitFields({
  split,
  keys,
  count,
  tracked,
  onChange,
  errors,
}: {
  split: Split;
  keys: string[];
  count: number | null;
  tracked: boolean;
  onChange: (split: Split) => void;
  errors: Record<string, string>;
}) {
  // a number being typed (empty, out of range) waits until it is one the API takes
  const whole = (value: string, min: number, max: number) => {
    const n = Number(value);
    return value !== "" && Number.isInteger(n) && n >= min && n <= max ? n : null;
  };
  const set = (field: "sample_percent" | "decide_after_hours", value: number | null) => {
    if (value !== null) onChange({ ...split, [field]: value });
  };
  return (
    <fieldset class="plain-fieldset stack split-fields">
      <legend>{t("broadcasts.ab.splitTitle")}</legend>
      <div class="split-row">
        <Field label={t("broadcasts.ab.sample")} error={errors["split.sample_percent"]}>
          <TextInput
            type="number"
            min={keys.length}
            max={100}
            value={split.sample_percent}
            onInput={(e) => set("sample_percent", whole(e.currentTarget.value, keys.length, 100))}
          />
        </Field>
        <Field
          label={t("broadcasts.ab.winnerBy")}
          error={
            split.winner_by === "clicks" && !tracked
              ? t("broadcasts.ab.clicksNeedTracking")
              : errors["split.winner_by"]
          }
        >
          <Select
            value={split.winner_by}
            onChange={(e) =>
              onChange({ ...split, winner_by: e.currentTarget.value as Split["winner_by"] })
            }
            options={(["replies", "clicks"] as const).map((m) => ({
              value: m,
              label: t(`broadcasts.ab.metric.${m}`),
            }))}
          />
        </Field>
        <Field label={t("broadcasts.ab.decideAfter")} error={errors["split.decide_after_hours"]}>
          <TextInput
            type="number"
            min={1}
            max={720}
            value={split.decide_after_hours}
            onInput={(e) => set("decide_after_hours", whole(e.currentTarget.value, 1, 720))}
          />
        </Field>
      </div>
      <p class="muted small" data-testid="sample-summary">
        {sampleSummary(split, keys, count)} {t("broadcasts.ab.decideHint")}
      </p>
    </fieldset>
  );
}

/**
 * The message step's content: one message, or — with the A/B test on — two to four variants,
 * each in the same editor with its own preview, and how the sample is split and judged.
 */
export function MessageContent({
  draft,
  onChange,
  channel,
  snippets,
  sample,
  count,
  repeats,
  errors,
}: {
  draft: Draft;
  onChange: (patch: Partial<Draft>) => void;
  channel: Channel | undefined;
  snippets: Snippet[];
  sample: Contact | undefined;
  count: number | null;
  /** the broadcast repeats on a schedule, which an A/B test cannot */
  repeats: boolean;
  errors: Record<string, string>;
}) {
  const variants = draft.variants;
  const tracked = draft.track_clicks ?? true;
  // the broadcast's message is its first variant's, as the API answers it
  const setVariants = (messages: Message[]) =>
    onChange({ variants: rekeyed(messages), message: messages[0] });
  const messages = variants?.map((v) => v.message) ?? [];
  const toggle = (on: boolean) =>
    onChange(
      on
        ? { variants: rekeyed([draft.message, { text: "" }]), split: DEFAULT_SPLIT }
        : {
            message: variants?.[0]?.message ?? draft.message,
            variants: undefined,
            split: undefined,
          },
    );
  const abError = errors["schedule.recurrence"] ?? errors.variants ?? errors.split;
  return (
    <div class="stack">
      <div class="ab-toggle">
        <Switch
          checked={Boolean(variants)}
          disabled={repeats && !variants}
          onChange={toggle}
          label={t("broadcasts.ab.toggle")}
        />
        <span class="muted small">
          {repeats ? t("broadcasts.ab.repeatsBlocked") : t("broadcasts.ab.toggleHint")}
        </span>
        {abError && (
          <span class="field-error" role="alert">
            {abError}
          </span>
        )}
      </div>
      {variants && draft.split ? (
        <>
          {variants.map((variant, i) => (
            <fieldset key={variant.key} class="variant-card" data-variant={variant.key}>
              <legend>
                {t("broadcasts.ab.variant", { key: variant.key })}
                {variants.length > 2 && (
                  <IconButton
                    label={t("broadcasts.ab.remove", { key: variant.key })}
                    icon={<Trash2 size={16} />}
                    onClick={() => setVariants(messages.filter((_, j) => j !== i))}
                  />
                )}
              </legend>
              <MessageEditor
                channel={channel}
                message={variant.message}
                snippets={snippets}
                sample={sample}
                path={`variants.${i}.message`}
                errors={errors}
                onChange={(message) => setVariants(messages.map((m, j) => (j === i ? message : m)))}
              />
            </fieldset>
          ))}
          {variants.length < KEYS.length && (
            <div>
              <Button
                icon={<Plus size={16} />}
                onClick={() => setVariants([...messages, { text: "" }])}
              >
                {t("broadcasts.ab.add", { key: KEYS[variants.length] as string })}
              </Button>
            </div>
          )}
          <SplitFields
            split={draft.split}
            keys={variants.map((v) => v.key)}
            count={count}
            tracked={tracked}
            onChange={(split) => onChange({ split })}
            errors={errors}
          />
        </>
      ) : (
        <MessageEditor
          channel={channel}
          message={draft.message}
          snippets={snippets}
          sample={sample}
          errors={errors}
          onChange={(message) => onChange({ message })}
        />
      )}
      <Checkbox
        checked={tracked}
        onChange={(track_clicks) => onChange({ track_clicks })}
        label={t("broadcasts.trackClicks")}
        hint={t("broadcasts.trackClicksHint")}
      />
    </div>
  );
}
