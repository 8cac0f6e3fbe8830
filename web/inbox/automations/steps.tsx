import {
  AlarmClock,
  ArrowDown,
  ArrowUp,
  Bookmark,
  CircleAlert,
  CircleCheck,
  GitBranch,
  Globe,
  Hourglass,
  MailOpen,
  MessageCircleQuestionMark,
  MessageSquare,
  OctagonX,
  PencilLine,
  Plus,
  Sparkles,
  StickyNote,
  Tag,
  TagX,
  Trash2,
  UserRoundPlus,
  Workflow,
} from "lucide-preact";
import type { ComponentType } from "preact";
import {
  Button,
  Field,
  type FieldErrors,
  IconButton,
  Menu,
  type MenuItem,
  TextInput,
  t,
} from "../../shared/ui";
import type { References, Step, StepType } from "./api";
import { ConditionsEditor } from "./conditions";
import { stepSummary, stepTitle } from "./describe";
import {
  defaultStep,
  emptyGroup,
  inserted,
  moved,
  ownErrors,
  removed,
  replaced,
  STEP_GROUPS,
} from "./model";
import { FORM_FIELDS, StepForm } from "./step-forms";

export const STEP_ICONS: Record<StepType, ComponentType<{ size?: number }>> = {
  send_message: MessageSquare,
  ask: MessageCircleQuestionMark,
  add_note: StickyNote,
  assign: UserRoundPlus,
  add_label: Bookmark,
  open_conversation: MailOpen,
  close_conversation: CircleCheck,
  snooze_conversation: AlarmClock,
  add_tag: Tag,
  remove_tag: TagX,
  update_field: PencilLine,
  branch: GitBranch,
  wait: Hourglass,
  http_request: Globe,
  start_automation: Workflow,
  stop: OctagonX,
  ai: Sparkles,
};

type Shared = {
  errors: FieldErrors;
  refs: References;
  variables: string[];
  automationId: string | null;
};

type ListProps = Shared & {
  steps: Step[];
  onChange: (steps: Step[]) => void;
  /** where the API puts this list's errors ("steps", "steps.1.branches.0.steps") */
  path: string;
};

/** Focuses a step's move button after it moved, so the keyboard can keep moving it. */
function refocus(id: string | undefined, direction: "up" | "down") {
  requestAnimationFrame(() => {
    const card = document.querySelector(`[data-step="${id}"]`);
    const button =
      card?.querySelector<HTMLButtonElement>(`[data-move="${direction}"]:not(:disabled)`) ??
      card?.querySelector<HTMLButtonElement>("[data-move]:not(:disabled)");
    button?.focus();
  });
}

/** The ordered steps as cards joined by a line, with a way to add a step between any two. */
export function StepList({ steps, onChange, path, ...shared }: ListProps) {
  const add = (at: number) => (type: StepType) => {
    const step = defaultStep(type);
    onChange(inserted(steps, at, step));
    requestAnimationFrame(() =>
      document
        .querySelector<HTMLElement>(
          `[data-step="${step.id}"] .step-body :is(input, select, textarea)`,
        )
        ?.focus(),
    );
  };
  return (
    <ol class="step-list">
      {steps.map((step, i) => (
        <li key={step.id ?? i} class="step-item">
          <StepCard
            {...shared}
            step={step}
            number={i + 1}
            path={`${path}.${i}`}
            onChange={(next) => onChange(replaced(steps, i, next))}
            onRemove={() => onChange(removed(steps, i))}
            onMove={(by) => {
              onChange(moved(steps, i, by));
              refocus(step.id, by < 0 ? "up" : "down");
            }}
            first={i === 0}
            last={i === steps.length - 1}
          />
          {i < steps.length - 1 && <AddStep onAdd={add(i + 1)} compact />}
        </li>
      ))}
      <li class="step-item step-end">
        <AddStep onAdd={add(steps.length)} />
      </li>
    </ol>
  );
}

function AddStep({ onAdd, compact }: { onAdd: (type: StepType) => void; compact?: boolean }) {
  const items: MenuItem[] = STEP_GROUPS.flatMap(({ types }, g) => [
    ...(g > 0 ? (["separator"] as const) : []),
    ...types.map((type) => {
      const Icon = STEP_ICONS[type];
      return { label: stepTitle(type), icon: <Icon size={16} />, onSelect: () => onAdd(type) };
    }),
  ]);
  return (
    <div class={`add-step ${compact ? "compact" : ""}`}>
      <Menu
        items={items}
        trigger={(props) =>
          compact ? (
            <IconButton
              size="sm"
              variant="secondary"
              class="add-between"
              label={t("automations.addStepHere")}
              icon={<Plus size={14} />}
              {...props}
            />
          ) : (
            <Button size="sm" icon={<Plus size={14} />} {...props}>
              {t("automations.addStep")}
            </Button>
          )
        }
      />
    </div>
  );
}

function StepCard({
  step,
  number,
  path,
  onChange,
  onRemove,
  onMove,
  first,
  last,
  ...shared
}: Shared & {
  step: Step;
  number: number;
  path: string;
  onChange: (step: Step) => void;
  onRemove: () => void;
  onMove: (by: number) => void;
  first: boolean;
  last: boolean;
}) {
  const Icon = STEP_ICONS[step.type];
  const title = stepTitle(step.type);
  const shown = FORM_FIELDS[step.type] ?? [];
  const own = ownErrors(shared.errors, path);
  const elsewhere = own.filter(
    ({ field }) => !shown.includes(field) && !field.startsWith("branches."),
  );
  const summary = stepSummary(step, shared.refs);
  return (
    <section
      class={`step-card ${own.length ? "invalid" : ""} type-${step.type}`}
      data-step={step.id}
      aria-label={t("automations.stepNamed", { number, title })}
    >
      <header class="step-head">
        <span class="step-number" aria-hidden="true">
          {number}
        </span>
        <span class="step-icon" aria-hidden="true">
          <Icon size={16} />
        </span>
        <div class="step-title">
          <h3>{title}</h3>
          {summary && (
            <span class="muted small step-summary" dir="auto">
              {summary}
            </span>
          )}
        </div>
        <div class="step-actions">
          <IconButton
            size="sm"
            data-move="up"
            label={t("automations.moveUp", { number })}
            icon={<ArrowUp size={15} />}
            disabled={first}
            onClick={() => onMove(-1)}
          />
          <IconButton
            size="sm"
            data-move="down"
            label={t("automations.moveDown", { number })}
            icon={<ArrowDown size={15} />}
            disabled={last}
            onClick={() => onMove(1)}
          />
          <IconButton
            size="sm"
            label={t("automations.removeStep", { number })}
            icon={<Trash2 size={15} />}
            onClick={onRemove}
          />
        </div>
      </header>
      <div class="step-body">
        <StepForm {...shared} step={step} onChange={onChange} path={path} />
        {elsewhere.map(({ field, message }) => (
          <p key={field} class="field-error" role="alert">
            <CircleAlert size={14} aria-hidden="true" class="icon" />
            {message}
          </p>
        ))}
        {step.type === "branch" && (
          <Branches {...shared} step={step} path={path} onChange={onChange} />
        )}
        {step.type === "ask" && (
          <div class="lanes">
            <Lane label={t("automations.ask.onAnswer")}>
              <StepList
                {...shared}
                steps={step.on_answer ?? []}
                path={`${path}.on_answer`}
                onChange={(on_answer) => onChange({ ...step, on_answer })}
              />
            </Lane>
            <Lane label={t("automations.ask.onTimeout")}>
              <StepList
                {...shared}
                steps={step.on_timeout ?? []}
                path={`${path}.on_timeout`}
                onChange={(on_timeout) => onChange({ ...step, on_timeout })}
              />
            </Lane>
          </div>
        )}
      </div>
    </section>
  );
}

function Lane({
  label,
  children,
  actions,
}: {
  label: string;
  children: preact.ComponentChildren;
  actions?: preact.ComponentChildren;
}) {
  return (
    <section class="lane" aria-label={label}>
      <div class="lane-head">
        <span class="lane-label">{label}</span>
        {actions}
      </div>
      {children}
    </section>
  );
}

type BranchStep = Extract<Step, { type: "branch" }>;

function Branches({
  step,
  path,
  onChange,
  ...shared
}: Shared & { step: BranchStep; path: string; onChange: (step: Step) => void }) {
  const setBranch = (at: number, branch: BranchStep["branches"][number]) =>
    onChange({ ...step, branches: replaced(step.branches, at, branch) });
  return (
    <>
      <div class="lanes">
        {step.branches.map((branch, b) => {
          const label = branch.name || t("automations.branch.numbered", { number: b + 1 });
          return (
            <Lane
              key={b}
              label={label}
              actions={
                step.branches.length > 1 && (
                  <IconButton
                    size="sm"
                    label={t("automations.branch.remove", { name: label })}
                    icon={<Trash2 size={15} />}
                    onClick={() => onChange({ ...step, branches: removed(step.branches, b) })}
                  />
                )
              }
            >
              <Field
                label={t("automations.branch.name")}
                error={shared.errors[`${path}.branches.${b}.name`]}
              >
                <TextInput
                  value={branch.name ?? ""}
                  placeholder={t("automations.branch.numbered", { number: b + 1 })}
                  onInput={(e) => setBranch(b, { ...branch, name: e.currentTarget.value })}
                />
              </Field>
              <p class="lane-when">{t("automations.branch.when")}</p>
              <ConditionsEditor
                {...shared}
                value={branch.conditions}
                path={`${path}.branches.${b}.conditions`}
                onChange={(conditions) => setBranch(b, { ...branch, conditions })}
              />
              <p class="lane-when">{t("automations.branch.then")}</p>
              <StepList
                {...shared}
                steps={branch.steps}
                path={`${path}.branches.${b}.steps`}
                onChange={(steps) => setBranch(b, { ...branch, steps })}
              />
            </Lane>
          );
        })}
        <Lane label={t("automations.branch.otherwise")}>
          <StepList
            {...shared}
            steps={step.otherwise ?? []}
            path={`${path}.otherwise`}
            onChange={(otherwise) => onChange({ ...step, otherwise })}
          />
        </Lane>
      </div>
      <Button
        size="sm"
        variant="ghost"
        icon={<Plus size={14} />}
        onClick={() =>
          onChange({
            ...step,
            branches: [
              ...step.branches,
              { conditions: { match: "all", groups: [emptyGroup()] }, steps: [] },
            ],
          })
        }
      >
        {t("automations.branch.add")}
      </Button>
    </>
  );
}
