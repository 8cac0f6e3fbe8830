import { z } from "@hono/zod-openapi";
import { consentKeyword } from "../../channels/twilio";
import type { Db } from "../../lib/context";
import { type FieldError, fieldErrorsFromZod, notFound, validationFailed } from "../../lib/errors";
import { ChannelIds, Id, Keywords, LabelName, Name, Text } from "../../schemas/automation-rules";
import { AutomationCreate } from "../../schemas/automations";
import { FieldKey, TagName } from "../../schemas/contacts";
import { checkDefinition } from "./definition";
import {
  type AutomationTemplate,
  type InputKind,
  type LibraryLanguage,
  TEMPLATES,
  type TemplateInput,
  templateByKey,
} from "./library";
import { createAutomation } from "./store";

const PREVIEW = AutomationCreate.omit({ name: true, description: true });

const NOT_CONSENT = (words: string[]) => words.every((word) => consentKeyword(word) === null);

const KIND_SCHEMAS: Record<InputKind, (input: TemplateInput) => z.ZodType> = {
  team: () => Id,
  channels: () => ChannelIds,
  label: () => LabelName,
  field: () => FieldKey,
  tag: () => TagName,
  message: () => Text,
  choice: () => Name,
  keywords: () =>
    Keywords.refine(NOT_CONSENT, "STOP, START, HELP and the like stay with consent handling"),
  count: (input) =>
    z
      .number()
      .int()
      .min(input.min ?? 1)
      .max(input.max ?? 1000),
};

const inputsSchema = (template: AutomationTemplate) =>
  z.strictObject(
    Object.fromEntries(
      template.inputs.map((input) => {
        const schema = KIND_SCHEMAS[input.kind](input);
        return [input.key, input.required ? schema : schema.optional()];
      }),
    ),
  );

/** The library in a language: each template's texts, inputs and the automation it makes. */
export function listTemplates(lang: string) {
  const language: LibraryLanguage = lang.toLowerCase().startsWith("es") ? "es" : "en";
  return TEMPLATES.map((template) => {
    // inputs without a sample show as <key> in the preview
    const samples = Object.fromEntries(
      template.inputs.map((i) => [
        i.key,
        i.default ? i.default[language] : i.kind === "channels" ? [`<${i.key}>`] : `<${i.key}>`,
      ]),
    );
    return {
      key: template.key,
      category: template.category,
      name: template.name[language],
      description: template.description[language],
      inputs: template.inputs.map((input) => ({
        key: input.key,
        kind: input.kind,
        required: input.required,
        label: input.label[language],
        ...(input.default ? { default: input.default[language] } : {}),
        ...(input.min !== undefined ? { min: input.min } : {}),
        ...(input.max !== undefined ? { max: input.max } : {}),
      })),
      preview: PREVIEW.parse(template.build(samples)),
    };
  });
}

/** The value at a dotted path (`steps.0.team_id`) of the definition. */
function valueAt(root: unknown, path: string): unknown {
  let node = root;
  for (const key of path.split("."))
    node = node && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

/** An error on a value that came from an input is that input's (`inputs.team_id`). */
function asInputErrors(errors: FieldError[], definition: unknown, inputs: Record<string, unknown>) {
  return errors.map((error) => {
    const value = valueAt(definition, error.path);
    const from = Object.entries(inputs).find(
      ([, given]) =>
        given === value ||
        (typeof value === "string" && typeof given === "string" && given.includes(value)) ||
        (Array.isArray(given) && given.includes(value)),
    );
    if (!from) return error;
    const index = Array.isArray(from[1]) ? from[1].indexOf(value) : -1;
    return { ...error, path: `inputs.${from[0]}${index >= 0 ? `.${index}` : ""}` };
  });
}

/**
 * Makes a draft automation from a template: its inputs checked (422 at `inputs.<key>`), then the
 * same checks and create path as any automation.
 */
export async function installTemplate(
  db: Db,
  env: Env,
  workspaceId: string,
  key: string,
  body: { inputs: Record<string, unknown>; name?: string | undefined; lang?: string | undefined },
  now: number,
) {
  const template = templateByKey(key);
  if (!template) throw notFound("Template");
  const parsed = inputsSchema(template).safeParse(body.inputs);
  if (!parsed.success) throw validationFailed(fieldErrorsFromZod(parsed.error, ["inputs"]));
  const language: LibraryLanguage = body.lang?.startsWith("es") ? "es" : "en";
  const create = AutomationCreate.parse({
    name: body.name ?? template.name[language],
    description: template.description[language],
    ...template.build(parsed.data),
  });
  try {
    await checkDefinition(db, workspaceId, { ...create }, null);
  } catch (error) {
    const errors = (error as { extra?: { errors?: FieldError[] } }).extra?.errors;
    if (errors) throw validationFailed(asInputErrors(errors, create, parsed.data));
    throw error;
  }
  return createAutomation(db, env, workspaceId, create, now);
}
