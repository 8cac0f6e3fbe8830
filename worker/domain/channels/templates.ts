import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { graphBase } from "../../channels/meta";
import { whatsappTemplates } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { Problem, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { excerpt, fetchTarget } from "../../lib/targets";
import type { ChannelConfigOf } from "../../schemas/channels";
import { toIso } from "../../schemas/common";
import { adapterConfig, type ChannelRow, getChannel } from "./channels";

type TemplateRow = typeof whatsappTemplates.$inferSelect;

const graphTemplates = z.object({
  data: z.array(
    z.looseObject({
      name: z.string(),
      language: z.string(),
      status: z.string(),
      category: z.string().optional(),
      components: z
        .array(z.looseObject({ type: z.string(), text: z.string().optional() }))
        .default([]),
    }),
  ),
});

export const toTemplateDto = (row: TemplateRow) => ({
  name: row.name,
  language: row.language,
  category: row.category,
  status: row.status,
  body: row.body,
  variable_count: row.variableCount,
  updated_at: toIso(row.updatedAt),
});

const variableCount = (body: string) =>
  Math.max(0, ...[...body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1])));

/** The template's body with {{1}}, {{2}} … filled, as the customer will read it. */
export const renderTemplate = (body: string, variables: string[]) =>
  body.replace(/\{\{(\d+)\}\}/g, (whole, n: string) => variables[Number(n) - 1] ?? whole);

async function whatsappChannel(db: Db, workspaceId: string, channelId: string) {
  const channel = await getChannel(db, workspaceId, channelId);
  if (channel.type !== "whatsapp")
    throw validationFailed([{ path: "id", message: "Templates belong to WhatsApp channels" }]);
  return channel;
}

export async function listTemplates(db: Db, workspaceId: string, channelId: string) {
  await whatsappChannel(db, workspaceId, channelId);
  return db.query.whatsappTemplates.findMany({
    where: inWorkspace(whatsappTemplates, workspaceId, eq(whatsappTemplates.channelId, channelId)),
    orderBy: [asc(whatsappTemplates.name), asc(whatsappTemplates.language)],
  });
}

async function templatesUrl(env: Env, channel: ChannelRow) {
  const config = await adapterConfig<ChannelConfigOf<"whatsapp">>(env, channel);
  if (!config.waba_id)
    throw validationFailed([
      { path: "config.waba_id", message: "Set the WhatsApp Business Account id to use templates" },
    ]);
  return {
    url: `${graphBase(config)}/${config.waba_id}/message_templates`,
    auth: { authorization: `Bearer ${config.access_token}` },
  };
}

const platformRefused = (response: Response, detail?: string) =>
  new Problem(
    502,
    "platform-error",
    "WhatsApp refused the request",
    detail ? excerpt(detail) : `HTTP ${response.status}`,
  );

async function fetchTemplates(env: Env, channel: ChannelRow) {
  const { url, auth } = await templatesUrl(env, channel);
  const response = await fetchTarget(env, `${url}?limit=200`, { headers: auth });
  const parsed = graphTemplates.safeParse(await response.json().catch(() => null));
  if (!response.ok || !parsed.success) throw platformRefused(response);
  return parsed.data.data;
}

async function storeTemplate(
  db: Db,
  channel: ChannelRow,
  template: {
    name: string;
    language: string;
    status: string;
    category?: string | undefined;
    body: string;
  },
  now: number,
) {
  const values = {
    status: template.status,
    category: template.category ?? null,
    body: template.body,
    variableCount: variableCount(template.body),
    updatedAt: now,
  };
  await db
    .insert(whatsappTemplates)
    .values({
      id: newId("tpl", now),
      workspaceId: channel.workspaceId,
      channelId: channel.id,
      name: template.name,
      language: template.language,
      ...values,
    })
    .onConflictDoUpdate({
      target: [whatsappTemplates.channelId, whatsappTemplates.name, whatsappTemplates.language],
      set: values,
    });
}

const graphCreated = z.object({ id: z.string(), status: z.string().optional() });

/** Submits a new template to Meta for review; it is stored as Meta answers (usually PENDING). */
export async function registerTemplate(
  db: Db,
  env: Env,
  workspaceId: string,
  channelId: string,
  input: { name: string; language: string; category: string; body: string; examples: string[] },
  now: number,
) {
  const channel = await whatsappChannel(db, workspaceId, channelId);
  const count = variableCount(input.body);
  if (input.examples.length !== count)
    throw validationFailed([
      { path: "examples", message: `The body has ${count} variable(s); give one example each` },
    ]);
  const { url, auth } = await templatesUrl(env, channel);
  const body = {
    name: input.name,
    language: input.language,
    category: input.category,
    components: [
      {
        type: "BODY",
        text: input.body,
        ...(count ? { example: { body_text: [input.examples] } } : {}),
      },
    ],
  };
  const response = await fetchTarget(env, url, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer: unknown = await response.json().catch(() => null);
  const created = graphCreated.safeParse(answer);
  if (!response.ok || !created.success) {
    const message = z.object({ error: z.object({ message: z.string() }) }).safeParse(answer);
    throw platformRefused(response, message.success ? message.data.error.message : undefined);
  }
  await storeTemplate(db, channel, { ...input, status: created.data.status ?? "PENDING" }, now);
  return listTemplates(db, workspaceId, channelId);
}

/** Fetches the business account's templates and stores them; returns the stored list. */
export async function syncTemplates(
  db: Db,
  env: Env,
  workspaceId: string,
  channelId: string,
  now: number,
) {
  const channel = await whatsappChannel(db, workspaceId, channelId);
  for (const template of await fetchTemplates(env, channel)) {
    const body = template.components.find((c) => c.type.toUpperCase() === "BODY")?.text ?? "";
    await storeTemplate(db, channel, { ...template, body }, now);
  }
  return listTemplates(db, workspaceId, channelId);
}

/** An approved template with the right number of variables, or a 422 naming what is wrong. */
export async function approvedTemplate(
  db: Db,
  channel: ChannelRow,
  wanted: { name: string; language?: string | undefined; variables: string[] },
) {
  const candidates = await db.query.whatsappTemplates.findMany({
    where: inWorkspace(
      whatsappTemplates,
      channel.workspaceId,
      eq(whatsappTemplates.channelId, channel.id),
      eq(whatsappTemplates.name, wanted.name),
    ),
  });
  const template = candidates.find(
    (t) => t.status === "APPROVED" && (!wanted.language || t.language === wanted.language),
  );
  if (!template)
    throw validationFailed([
      {
        path: "template.name",
        message: `No approved template "${wanted.name}"${wanted.language ? ` in ${wanted.language}` : ""}; sync the channel's templates`,
      },
    ]);
  if (wanted.variables.length !== template.variableCount)
    throw validationFailed([
      {
        path: "template.variables",
        message: `The template takes ${template.variableCount} variable(s)`,
      },
    ]);
  return template;
}
