import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { request } from "../../shared/api";
import {
  Checkbox,
  ChipsInput,
  Field,
  FormDialog,
  Select,
  Switch,
  TextArea,
  TextInput,
  t,
  useSubmit,
} from "../../shared/ui";
import { Checklist } from "./assistant-checklist";
import {
  ACTIVATIONS,
  type Activation,
  type Assistant,
  answerable,
  BASE,
  BUILT_IN_FIELDS,
  bodyOf,
  type ContactField,
  channelError,
  type Draft,
  draftOf,
  fieldLabel,
  teamError,
} from "./assistant-model";
import { type Channel, typeName } from "./channels/look";
import type { Team } from "./team-model";

function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section class="assistant-section" aria-label={title}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** Creates or changes an assistant: persona, where it answers, handoff, what it collects. */
export function AssistantDrawer({
  editing,
  channels,
  teams,
  fields,
  onClose,
  onSaved,
}: {
  editing: Assistant | null;
  channels: Channel[];
  teams: Team[];
  fields: ContactField[];
  onClose: () => void;
  onSaved: (assistant: Assistant) => void;
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(editing));
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const form = useSubmit(
    async () => {
      const saved = await request<Assistant>(editing ? `${BASE}/${editing.id}` : BASE, {
        method: editing ? "PATCH" : "POST",
        json: bodyOf(draft, !editing),
      });
      onSaved(saved);
    },
    { success: t("assistants.saved"), inline: true },
  );
  const { errors } = form;
  const message = (key: "handoff_message" | "no_handoff_message", hint: string) => (
    <Field
      label={t(`assistants.${key === "handoff_message" ? "handoffMessage" : "noHandoffMessage"}`)}
      hint={editing ? hint : `${hint} ${t("assistants.messageDefaultHint")}`.trim()}
      error={errors[key]}
    >
      <TextArea
        name={key}
        rows={2}
        maxLength={1000}
        dir="auto"
        value={draft[key]}
        onInput={(e) => set({ [key]: e.currentTarget.value })}
      />
    </Field>
  );
  return (
    <FormDialog
      kind="drawer"
      wide
      onClose={onClose}
      title={editing ? t("assistants.edit") : t("assistants.new")}
      form={form}
    >
      <Section title={t("assistants.persona")}>
        <Field label={t("assistants.name")} error={errors.name}>
          <TextInput
            name="name"
            maxLength={80}
            dir="auto"
            value={draft.name}
            placeholder={t("assistants.namePlaceholder")}
            onInput={(e) => set({ name: e.currentTarget.value })}
          />
        </Field>
        <Field
          label={t("assistants.instructions")}
          hint={t("assistants.instructionsHint")}
          error={errors.instructions}
        >
          <TextArea
            name="instructions"
            rows={4}
            maxLength={4000}
            dir="auto"
            value={draft.instructions}
            placeholder={t("assistants.instructionsPlaceholder")}
            onInput={(e) => set({ instructions: e.currentTarget.value })}
          />
        </Field>
        <Switch
          checked={draft.enabled ?? true}
          onChange={(enabled) => set({ enabled })}
          label={t("assistants.enabled")}
        />
      </Section>

      <Section title={t("assistants.where")}>
        <Checklist
          legend={t("assistants.channels")}
          hint={t("assistants.channelsHint")}
          path="channel_ids"
          errors={errors}
          wording={channelError}
          empty={t("assistants.noChannelsYet")}
          value={draft.channel_ids ?? []}
          onChange={(channel_ids) => set({ channel_ids })}
          choices={answerable(channels).map((c) => ({
            value: c.id,
            label: c.name,
            hint: typeName(c.type),
          }))}
        />
        <Checklist
          legend={t("assistants.teams")}
          hint={t("assistants.teamsHint")}
          path="team_ids"
          errors={errors}
          wording={teamError}
          empty={t("assistants.noTeamsYet")}
          value={draft.team_ids ?? []}
          onChange={(team_ids) => set({ team_ids })}
          choices={teams.map((team) => ({ value: team.id, label: team.name }))}
        />
        <Field
          label={t("assistants.activation")}
          hint={t(`assistants.activationHint.${draft.activation}`)}
          error={errors.activation}
        >
          <Select
            name="activation"
            value={draft.activation}
            options={ACTIVATIONS.map((a) => ({ value: a, label: t(`assistants.activation.${a}`) }))}
            onChange={(e) => set({ activation: e.currentTarget.value as Activation })}
          />
        </Field>
        {(draft.activation === "keyword" || errors.keywords) && (
          <Field
            label={t("assistants.keywords")}
            hint={t("assistants.keywordsHint")}
            error={errors.keywords}
          >
            <ChipsInput values={draft.keywords ?? []} onChange={(keywords) => set({ keywords })} />
          </Field>
        )}
      </Section>

      <Section title={t("assistants.handoffSection")}>
        <Checkbox
          name="handoff_enabled"
          checked={draft.handoff_enabled ?? true}
          onChange={(handoff_enabled) => set({ handoff_enabled })}
          label={t("assistants.handoffEnabled")}
          hint={t("assistants.handoffEnabledHint")}
        />
        {draft.handoff_enabled && (
          <Field label={t("assistants.team")} error={errors.team_id}>
            <Select
              name="team_id"
              value={draft.team_id ?? ""}
              placeholder={t("assistants.channelRouting")}
              options={teams.map((team) => ({ value: team.id, label: team.name }))}
              onChange={(e) => set({ team_id: e.currentTarget.value || null })}
            />
          </Field>
        )}
        {(draft.handoff_enabled || errors.handoff_message) && message("handoff_message", "")}
        {(!draft.handoff_enabled || errors.no_handoff_message) &&
          message("no_handoff_message", t("assistants.noHandoffMessageHint"))}
        <Field
          label={t("assistants.maxTurns")}
          hint={t("assistants.maxTurnsHint")}
          error={errors.max_turns}
        >
          <TextInput
            name="max_turns"
            inputMode="numeric"
            class="input assistant-short"
            value={draft.max_turns}
            onInput={(e) => set({ max_turns: e.currentTarget.value })}
          />
        </Field>
      </Section>

      <Section title={t("assistants.collect")}>
        <Checklist
          legend={t("assistants.contactFields")}
          hint={t("assistants.collectHint")}
          path="collect_fields"
          errors={errors}
          value={draft.collect_fields ?? []}
          onChange={(collect_fields) => set({ collect_fields })}
          choices={[...BUILT_IN_FIELDS, ...fields.map((f) => f.key)].map((key) => ({
            value: key,
            label: fieldLabel(key, fields),
          }))}
        />
        <Checkbox
          name="resolve_closes"
          checked={draft.resolve_closes ?? false}
          onChange={(resolve_closes) => set({ resolve_closes })}
          label={t("assistants.resolveCloses")}
          hint={t("assistants.resolveClosesHint")}
        />
      </Section>
    </FormDialog>
  );
}
