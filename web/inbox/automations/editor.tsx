import { ChevronLeft, History, Pause, Play } from "lucide-preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import {
  Badge,
  Button,
  Field,
  type FieldErrors,
  Select,
  SkeletonRows,
  TextArea,
  TextInput,
  t,
  useSubmit,
} from "../../shared/ui";
import { useSession } from "../session";
import { aiVariables } from "./ai-form";
import {
  type Automation,
  activateAutomation,
  canEditAutomations,
  createAutomation,
  type Draft,
  type Frequency,
  getAutomation,
  loadReferences,
  type References,
  type Step,
  saveAutomation,
  type Timing,
} from "./api";
import { ConditionsEditor } from "./conditions";
import { triggerSummary } from "./describe";
import { variablesFor } from "./inputs";
import { useLeaveGuard } from "./leave-guard";
import { StatusBadge, usePause } from "./list";
import { draftOf, emptyDraft, FREQUENCIES, requestOf } from "./model";
import { StepList } from "./steps";
import { TriggerOptions } from "./trigger-card";

/** What HTTP and AI steps save, as `vars.NAME…` variables for later steps. */
function savedNames(steps: Step[]): string[] {
  return steps.flatMap((step) => {
    if (step.type === "http_request" && step.save_as)
      return [`vars.${step.save_as}.status`, `vars.${step.save_as}.body`];
    if (step.type === "ai") return aiVariables(step);
    if (step.type === "branch")
      return [
        ...step.branches.flatMap((b) => savedNames(b.steps)),
        ...savedNames(step.otherwise ?? []),
      ];
    if (step.type === "ask")
      return [...savedNames(step.on_answer ?? []), ...savedNames(step.on_timeout ?? [])];
    return [];
  });
}

/** /automations/new and /automations/:id: load what is there, then edit it. */
export default function AutomationEditor({ id }: { id?: string }) {
  const [automation, setAutomation] = useState<Automation | null | undefined>(
    id ? undefined : null,
  );
  const [refs, setRefs] = useState<References | null>(null);
  useEffect(() => {
    loadReferences().then(setRefs);
  }, []);
  useEffect(() => {
    if (id) getAutomation(id).then(setAutomation, () => setAutomation(null));
    else setAutomation(null);
  }, [id]);
  if (automation === undefined || refs === null)
    return (
      <main class="page" id="main" aria-busy="true">
        <SkeletonRows rows={6} />
      </main>
    );
  return <Editor key={automation?.id ?? "new"} initial={automation} refs={refs} />;
}

function Editor({ initial, refs }: { initial: Automation | null; refs: References }) {
  const { me } = useSession();
  const { route } = useLocation();
  const editable = canEditAutomations(me);
  const [automation, setAutomation] = useState(initial);
  const [saved, setSaved] = useState<Draft>(() => (initial ? draftOf(initial) : emptyDraft()));
  const [draft, setDraft] = useState<Draft>(saved);
  const dirty = useMemo(() => JSON.stringify(draft) !== JSON.stringify(saved), [draft, saved]);
  useLeaveGuard(dirty && editable);
  const change = (part: Partial<Draft>) => setDraft((d) => ({ ...d, ...part }));

  const { busy, errors, submit } = useSubmit(
    async () => {
      const body = requestOf(draft);
      const next = automation
        ? await saveAutomation(automation.id, body)
        : await createAutomation(body);
      const fresh = draftOf(next);
      setSaved(fresh);
      setDraft(fresh);
      setAutomation(next);
      if (!automation) route(`/automations/${next.id}`, true);
    },
    { success: t("automations.saved") },
  );

  const { pause, dialog: pauseDialog } = usePause(setAutomation);
  const activate = async () => setAutomation(await activateAutomation(automation?.id ?? ""));
  const variables = variablesFor(refs.fields, savedNames(draft.steps));

  return (
    <main class="page automation-editor" id="main">
      <a class="back-link" href="/automations">
        <ChevronLeft size={16} class="icon flip-rtl" />
        {t("automations.title")}
      </a>
      <header class="page-head">
        <div>
          <h1>
            {automation ? automation.name : t("automations.new")}
            {automation && <StatusBadge status={automation.status} />}
          </h1>
          <p>{triggerSummary(draft.trigger, refs)}</p>
        </div>
        <div class="head-actions">
          {dirty && <Badge tone="warning">{t("automations.unsaved")}</Badge>}
          {automation && (
            <a class="btn" href={`/automations/${automation.id}/runs`}>
              <History size={16} />
              {t("automations.runLog")}
            </a>
          )}
          {automation && editable && !dirty && automation.status === "active" && (
            <Button icon={<Pause size={16} />} onClick={() => pause(automation)}>
              {t("automations.pause")}
            </Button>
          )}
          {automation && editable && !dirty && automation.status !== "active" && (
            <Button icon={<Play size={16} />} onClick={activate}>
              {t("automations.activate")}
            </Button>
          )}
          {editable && (
            <Button variant="primary" type="submit" form="automation-form" loading={busy}>
              {automation ? t("automations.saveVersion") : t("automations.create")}
            </Button>
          )}
        </div>
      </header>
      {!editable && <p class="notice">{t("automations.readOnly")}</p>}
      <form id="automation-form" class="editor-grid" onSubmit={submit} noValidate>
        <div class="flow">
          <FlowCard
            number={1}
            title={t("automations.flow.when")}
            hint={t("automations.flow.whenHint")}
          >
            <TriggerOptions
              trigger={draft.trigger}
              onChange={(trigger) => change({ trigger })}
              errors={errors}
              refs={refs}
              automation={automation}
              editable={editable}
              onRotated={setAutomation}
            />
          </FlowCard>
          <FlowCard
            number={2}
            title={t("automations.flow.onlyIf")}
            hint={t("automations.flow.onlyIfHint")}
          >
            <ConditionsEditor
              value={draft.conditions}
              onChange={(conditions) => change({ conditions })}
              path="conditions"
              errors={errors}
              refs={refs}
            />
          </FlowCard>
          <FlowCard
            number={3}
            title={t("automations.flow.then")}
            hint={t("automations.flow.thenHint")}
          >
            <StepList
              steps={draft.steps}
              onChange={(steps) => change({ steps })}
              path="steps"
              errors={errors}
              refs={refs}
              variables={variables}
              automationId={automation?.id ?? null}
            />
          </FlowCard>
        </div>
        <aside class="editor-side">
          <section class="card stack details-card" aria-labelledby="details-title">
            <h2 id="details-title">{t("automations.details")}</h2>
            <Field label={t("automations.name")} error={errors.name}>
              <TextInput
                name="name"
                value={draft.name}
                onInput={(e) => change({ name: e.currentTarget.value })}
              />
            </Field>
            <Field label={t("automations.descriptionField")} error={errors.description}>
              <TextArea
                rows={2}
                value={draft.description ?? ""}
                onInput={(e) => change({ description: e.currentTarget.value })}
              />
            </Field>
          </section>
          <SettingsCard draft={draft} change={change} errors={errors} />
          {automation && (
            <p class="muted small">
              {t("automations.versionNote", { version: automation.version })}
            </p>
          )}
        </aside>
      </form>
      {pauseDialog}
    </main>
  );
}

function FlowCard({
  number,
  title,
  hint,
  children,
}: {
  number: number;
  title: string;
  hint: string;
  children: preact.ComponentChildren;
}) {
  return (
    <section class="flow-card card" aria-labelledby={`flow-${number}`}>
      <header class="flow-head">
        <span class="flow-number" aria-hidden="true">
          {number}
        </span>
        <div>
          <h2 id={`flow-${number}`}>{title}</h2>
          <p class="muted small">{hint}</p>
        </div>
      </header>
      {children}
    </section>
  );
}

const num = (value: string) => Math.max(1, Math.floor(Number(value) || 1));

function SettingsCard({
  draft,
  change,
  errors,
}: {
  draft: Draft;
  change: (part: Partial<Draft>) => void;
  errors: FieldErrors;
}) {
  const { timing, frequency } = draft;
  return (
    <section class="card stack" aria-labelledby="settings-title">
      <h2 id="settings-title">{t("automations.settings")}</h2>
      <Field label={t("automations.timing")} error={errors["timing.type"]}>
        <Select
          value={timing.type}
          options={[
            { value: "immediately", label: t("automations.timing.immediately") },
            { value: "delay", label: t("automations.timing.delay") },
          ]}
          onChange={(e) =>
            change({
              timing: (e.currentTarget.value === "delay"
                ? { type: "delay", minutes: 5 }
                : { type: "immediately" }) as Timing,
            })
          }
        />
      </Field>
      {timing.type === "delay" && (
        <Field label={t("automations.timing.minutes")} error={errors["timing.minutes"]}>
          <TextInput
            type="number"
            min={1}
            value={timing.minutes}
            onInput={(e) =>
              change({ timing: { type: "delay", minutes: num(e.currentTarget.value) } })
            }
          />
        </Field>
      )}
      <Field
        label={t("automations.frequency")}
        hint={t("automations.frequencyHint")}
        error={errors["frequency.type"]}
      >
        <Select
          value={frequency.type}
          options={FREQUENCIES.map((f) => ({ value: f, label: t(`automations.frequency.${f}`) }))}
          onChange={(e) => {
            const type = e.currentTarget.value as Frequency["type"];
            change({
              frequency: (type === "limit"
                ? { type, count: 3, period_hours: 24 }
                : { type }) as Frequency,
            });
          }}
        />
      </Field>
      {frequency.type === "limit" && (
        <div class="form-row">
          <Field label={t("automations.frequency.count")} error={errors["frequency.count"]}>
            <TextInput
              type="number"
              min={1}
              value={frequency.count}
              onInput={(e) =>
                change({ frequency: { ...frequency, count: num(e.currentTarget.value) } })
              }
            />
          </Field>
          <Field label={t("automations.frequency.hours")} error={errors["frequency.period_hours"]}>
            <TextInput
              type="number"
              min={1}
              value={frequency.period_hours}
              onInput={(e) =>
                change({ frequency: { ...frequency, period_hours: num(e.currentTarget.value) } })
              }
            />
          </Field>
        </div>
      )}
    </section>
  );
}
