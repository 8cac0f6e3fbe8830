import { and, eq, inArray } from "drizzle-orm";
import {
  automations,
  businessHours,
  channels,
  contactFields,
  labels,
  memberships,
  snippets,
  teams,
  whatsappTemplates,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { type FieldError, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { Condition, Conditions } from "../../schemas/automation-rules";
import type { Definition, Step } from "../../schemas/automations";
import { BUILT_IN_FIELDS, unknownVariables } from "./effects";
import { walkSteps, withStepIds } from "./steps";

/** What a request names, with where it names it: checked against the workspace in one go. */
type Wanted = { path: string; id: string };
type References = {
  teams: Wanted[];
  users: Wanted[];
  channels: Wanted[];
  snippets: Wanted[];
  hours: Wanted[];
  automations: Wanted[];
  fields: Wanted[];
  labels: Wanted[];
  templates: (Wanted & { language: string; channelId: string | undefined })[];
  texts: Wanted[];
};

const emptyReferences = (): References => ({
  teams: [],
  users: [],
  channels: [],
  snippets: [],
  hours: [],
  automations: [],
  fields: [],
  labels: [],
  templates: [],
  texts: [],
});

function conditionReferences(conditions: Conditions, path: string, refs: References) {
  for (const [g, group] of conditions.groups.entries())
    for (const [r, rule] of group.rules.entries())
      ruleReferences(rule, `${path}.groups.${g}.rules.${r}`, refs);
}

function ruleReferences(rule: Condition, path: string, refs: References) {
  if (rule.type === "field") refs.fields.push({ path: `${path}.field`, id: rule.field });
  if (rule.type === "channel")
    for (const [i, id] of rule.channel_ids.entries())
      refs.channels.push({ path: `${path}.channel_ids.${i}`, id });
  if (rule.type === "agents_available" && rule.team_id)
    refs.teams.push({ path: `${path}.team_id`, id: rule.team_id });
  if (rule.type === "business_hours" && rule.business_hours_id)
    refs.hours.push({ path: `${path}.business_hours_id`, id: rule.business_hours_id });
}

/** Checks of one step that its schema alone cannot say (which fields go together). */
function stepShapeErrors(step: Step, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (step.type === "send_message") {
    const given = [step.text, step.snippet_id, step.template].filter((v) => v !== undefined);
    if (given.length !== 1)
      errors.push({ path: `${path}.text`, message: "give one of text, snippet_id or template" });
  }
  if (step.type === "wait" && (step.minutes === undefined) === (step.until === undefined))
    errors.push({ path: `${path}.minutes`, message: "give minutes or until" });
  if (step.type === "assign" && step.user_id === undefined && step.team_id === undefined)
    errors.push({ path: `${path}.user_id`, message: "give user_id, team_id or both" });
  if (step.type === "ask" && step.answer_type === "choice" && !step.choices)
    errors.push({ path: `${path}.choices`, message: "a choice question lists its choices" });
  if (step.type === "ai") errors.push(...aiStepErrors(step, path));
  return errors;
}

/** What each AI task needs, and nothing another task's. */
function aiStepErrors(step: Extract<Step, { type: "ai" }>, path: string): FieldError[] {
  if (!step.task)
    return [
      { path: `${path}.task`, message: "choose what the AI does: classify, extract or answer" },
    ];
  const errors: FieldError[] = [];
  const belongs = { categories: "classify", label: "classify", fields: "extract", send: "answer" };
  for (const [key, task] of Object.entries(belongs))
    if (step[key as keyof typeof belongs] !== undefined && step.task !== task)
      errors.push({ path: `${path}.${key}`, message: `only for the ${task} task` });
  if (step.task === "classify") {
    if (!step.categories)
      errors.push({ path: `${path}.categories`, message: "list 2 to 20 categories" });
    const seen = new Set<string>();
    for (const [i, category] of (step.categories ?? []).entries()) {
      if (seen.has(category.toLowerCase()))
        errors.push({ path: `${path}.categories.${i}`, message: "listed twice" });
      seen.add(category.toLowerCase());
    }
  }
  if (step.task === "extract") {
    if (!step.fields) errors.push({ path: `${path}.fields`, message: "list the fields to fill" });
    const fields = step.fields ?? [];
    for (const [i, key] of fields.entries())
      if (fields.indexOf(key) !== i)
        errors.push({ path: `${path}.fields.${i}`, message: "listed twice" });
  }
  return errors;
}

function stepReferences(step: Step, path: string, refs: References) {
  if (step.type === "send_message") {
    if (step.snippet_id) refs.snippets.push({ path: `${path}.snippet_id`, id: step.snippet_id });
    if (step.channel_id) refs.channels.push({ path: `${path}.channel_id`, id: step.channel_id });
    if (step.text) refs.texts.push({ path: `${path}.text`, id: step.text });
    if (step.template)
      refs.templates.push({
        path: `${path}.template.name`,
        id: step.template.name,
        language: step.template.language,
        channelId: step.channel_id,
      });
  }
  if (step.type === "add_note") refs.texts.push({ path: `${path}.text`, id: step.text });
  if (step.type === "ask") {
    refs.texts.push({ path: `${path}.question`, id: step.question });
    if (step.save_to_field)
      refs.fields.push({ path: `${path}.save_to_field`, id: step.save_to_field });
  }
  if (step.type === "ai") {
    if (step.prompt) refs.texts.push({ path: `${path}.prompt`, id: step.prompt });
    for (const [i, key] of (step.fields ?? []).entries())
      if (!(BUILT_IN_FIELDS as readonly string[]).includes(key))
        refs.fields.push({ path: `${path}.fields.${i}`, id: key });
  }
  if (step.type === "update_field") refs.fields.push({ path: `${path}.field`, id: step.field });
  if (step.type === "add_label") refs.labels.push({ path: `${path}.label`, id: step.label });
  if (step.type === "assign") {
    if (step.user_id) refs.users.push({ path: `${path}.user_id`, id: step.user_id });
    if (step.team_id) refs.teams.push({ path: `${path}.team_id`, id: step.team_id });
  }
  if (step.type === "start_automation")
    refs.automations.push({ path: `${path}.automation_id`, id: step.automation_id });
  if (step.type === "branch")
    for (const [b, branch] of step.branches.entries())
      conditionReferences(branch.conditions, `${path}.branches.${b}.conditions`, refs);
}

function references(definition: Definition) {
  const refs = emptyReferences();
  const errors: FieldError[] = [];
  const trigger = definition.trigger;
  if ("channel_ids" in trigger && trigger.channel_ids)
    for (const [i, id] of trigger.channel_ids.entries())
      refs.channels.push({ path: `trigger.channel_ids.${i}`, id });
  if (trigger.type === "contact.field_changed")
    refs.fields.push({ path: "trigger.field", id: trigger.field });
  conditionReferences(definition.conditions, "conditions", refs);
  const seen = new Map<string, string>();
  for (const { step, path } of walkSteps(definition.steps)) {
    if (step.id) {
      const first = seen.get(step.id);
      if (first) errors.push({ path: `${path}.id`, message: `the same id as ${first}` });
      else seen.set(step.id, path);
    }
    errors.push(...stepShapeErrors(step, path));
    stepReferences(step, path, refs);
  }
  return { refs, errors };
}

/** The ids among `wanted` that name no row of the workspace. */
async function missing(wanted: Wanted[], present: (ids: string[]) => Promise<string[]>) {
  if (wanted.length === 0) return [];
  const found = new Set(await present([...new Set(wanted.map((w) => w.id))]));
  return wanted.filter((w) => !found.has(w.id));
}

function lookups(db: Db, workspaceId: string, automationId: string | null) {
  const ids = async <T extends { id: string }>(rows: Promise<T[]>) => (await rows).map((r) => r.id);
  return {
    teams: (list: string[]) =>
      ids(
        db
          .select({ id: teams.id })
          .from(teams)
          .where(inWorkspace(teams, workspaceId, inArray(teams.id, list))),
      ),
    users: (list: string[]) =>
      ids(
        db
          .select({ id: memberships.userId })
          .from(memberships)
          .where(
            inWorkspace(
              memberships,
              workspaceId,
              inArray(memberships.userId, list),
              eq(memberships.active, true),
            ),
          ),
      ),
    channels: (list: string[]) =>
      db
        .select({ id: channels.id, deletedAt: channels.deletedAt })
        .from(channels)
        .where(inWorkspace(channels, workspaceId, inArray(channels.id, list)))
        .then((rows) => rows.filter((r) => r.deletedAt === null).map((r) => r.id)),
    snippets: (list: string[]) =>
      ids(
        db
          .select({ id: snippets.id })
          .from(snippets)
          .where(inWorkspace(snippets, workspaceId, inArray(snippets.id, list))),
      ),
    hours: (list: string[]) =>
      ids(
        db
          .select({ id: businessHours.id })
          .from(businessHours)
          .where(inWorkspace(businessHours, workspaceId, inArray(businessHours.id, list))),
      ),
    automations: async (list: string[]) => [
      ...(await ids(
        db
          .select({ id: automations.id })
          .from(automations)
          .where(inWorkspace(automations, workspaceId, inArray(automations.id, list))),
      )),
      ...(automationId ? [automationId] : []),
    ],
    fields: async (list: string[]) =>
      (
        await db
          .select({ id: contactFields.key })
          .from(contactFields)
          .where(inWorkspace(contactFields, workspaceId, inArray(contactFields.key, list)))
      ).map((r) => r.id),
    labels: async (list: string[]) =>
      (
        await db
          .select({ id: labels.name })
          .from(labels)
          .where(
            inWorkspace(
              labels,
              workspaceId,
              inArray(
                labels.name,
                list.map((l) => l.toLowerCase()),
              ),
            ),
          )
      ).map((r) => r.id),
  };
}

const MESSAGES: Record<Exclude<keyof References, "templates" | "texts">, string> = {
  teams: "no such team",
  users: "not an active member of this workspace",
  channels: "no such channel",
  snippets: "no such snippet",
  hours: "no such business hours",
  automations: "no such automation",
  fields: "no such contact field (define it under /contact-fields)",
  labels: "no such label (add it under /labels)",
};

async function templateErrors(db: Db, workspaceId: string, wanted: References["templates"]) {
  const errors: FieldError[] = [];
  for (const template of wanted) {
    const rows = await db
      .select({ status: whatsappTemplates.status })
      .from(whatsappTemplates)
      .where(
        inWorkspace(
          whatsappTemplates,
          workspaceId,
          and(
            eq(whatsappTemplates.name, template.id),
            eq(whatsappTemplates.language, template.language),
            template.channelId ? eq(whatsappTemplates.channelId, template.channelId) : undefined,
          ),
        ),
      );
    if (!rows.length)
      errors.push({
        path: template.path,
        message: `no template "${template.id}" in ${template.language}; sync the channel's templates`,
      });
  }
  return errors;
}

/** `{{vars.…}}` and `{{trigger.…}}` are filled by the run itself; the variable engine checks the rest. */
const withoutRunVariables = (text: string) =>
  text.replace(/\{\{\s*(vars|trigger)\.[^{}]*\}\}/g, "");

/**
 * Refuses a definition that names what the workspace does not have (teams, members, channels,
 * snippets, hours, automations, fields, labels, templates, variables), with the path of each.
 */
export async function checkDefinition(
  db: Db,
  workspaceId: string,
  definition: Definition,
  automationId: string | null,
) {
  const { refs, errors } = references(definition);
  const present = lookups(db, workspaceId, automationId);
  for (const kind of Object.keys(MESSAGES) as (keyof typeof MESSAGES)[]) {
    for (const gone of await missing(refs[kind], present[kind]))
      errors.push({ path: gone.path, message: MESSAGES[kind] });
  }
  errors.push(...(await templateErrors(db, workspaceId, refs.templates)));
  if (refs.texts.length) {
    const fieldKeys = (
      await db
        .select({ key: contactFields.key })
        .from(contactFields)
        .where(inWorkspace(contactFields, workspaceId))
    ).map((f) => f.key);
    for (const text of refs.texts) {
      const unknown = unknownVariables(withoutRunVariables(text.id), fieldKeys);
      if (unknown.length)
        errors.push({ path: text.path, message: `Unknown variable(s): ${unknown.join(", ")}` });
    }
  }
  if (errors.length) throw validationFailed(errors);
}

/** Every step with an id: the ones the client gave, new ones for the others. */
export const normalizeDefinition = (definition: Definition, now: number): Definition => ({
  ...definition,
  steps: withStepIds(definition.steps, () => newId("stp", now).toLowerCase()),
});
