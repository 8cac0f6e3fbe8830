import { and, eq } from "drizzle-orm";
import { acrossWorkspaces } from "../../db/client";
import { automationRuns, automations, automationVersions, contacts } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import { systemPrincipal } from "../../lib/context";
import { fieldErrorsFromZod, notFound, unauthorized, validationFailed } from "../../lib/errors";
import { IDEMPOTENCY_KEY } from "../../lib/idempotency";
import { newId } from "../../lib/ids";
import { unseal } from "../../lib/secret-box";
import { verifySignatureHeader } from "../../lib/signed";
import { WebhookCall, type WebhookCallInput } from "../../schemas/automation-webhook";
import { createContact, normalizePhone } from "../contacts/contacts";
import { workspaceOf } from "./effects";
import { startRuns } from "./runner";
import type { StoredAutomation } from "./store";

export const WEBHOOK_TRIGGER_PATH = "/webhooks/automations";

/** The automation as its routes answer it: its webhook URL on the origin the request came to. */
export function withWebhookUrl(
  { webhook_token, ...automation }: StoredAutomation,
  requestUrl: string,
) {
  const origin = new URL(requestUrl).origin;
  const webhook_url = webhook_token ? `${origin}${WEBHOOK_TRIGGER_PATH}/${webhook_token}` : null;
  return { ...automation, webhook_url };
}

/** The active webhook-triggered automation a URL token names, in whichever workspace it is. */
async function automationByToken(db: Db, token: string) {
  const [found] = await acrossWorkspaces(db)
    .select({ automation: automations })
    .from(automations)
    .innerJoin(automationVersions, eq(automationVersions.id, automations.versionId))
    .where(
      and(
        eq(automations.webhookToken, token),
        eq(automations.status, "active"),
        eq(automationVersions.triggerType, "webhook"),
      ),
    )
    .limit(1);
  if (!found) throw notFound("Automation");
  return found.automation;
}

async function checkSignature(env: Env, sealedSecret: string | null, call: WebhookCallRequest) {
  if (sealedSecret === null) return;
  const { secret = "" } = await unseal(env, sealedSecret);
  if (!(await verifySignatureHeader(secret, call.rawBody, call.signature)))
    throw unauthorized(
      "Sign the raw body: X-Conversa-Signature: sha256=<hex HMAC-SHA256 with the trigger's secret>.",
    );
}

function parseCall(rawBody: Uint8Array): WebhookCallInput {
  let json: unknown;
  try {
    const text = new TextDecoder().decode(rawBody).trim();
    json = text === "" ? {} : JSON.parse(text);
  } catch {
    throw validationFailed([{ path: "", message: "not valid JSON" }]);
  }
  const parsed = WebhookCall.safeParse(json);
  if (!parsed.success) throw validationFailed(fieldErrorsFromZod(parsed.error));
  return parsed.data;
}

async function contactIdWhere(
  db: Db,
  workspaceId: string,
  column: "id" | "email" | "phone",
  value: string,
) {
  const row = await db.query.contacts.findFirst({
    columns: { id: true },
    where: inWorkspace(contacts, workspaceId, eq(contacts[column], value)),
  });
  return row?.id;
}

/** The call's contact: by id, else by email or phone, else created with them. */
async function contactOf(
  db: Db,
  env: Env,
  workspaceId: string,
  given: WebhookCallInput["contact"],
  now: number,
) {
  if (!given) return undefined;
  if (given.id) {
    const id = await contactIdWhere(db, workspaceId, "id", given.id);
    if (!id) throw validationFailed([{ path: "contact.id", message: "no contact has this id" }]);
    return id;
  }
  const email = given.email?.toLowerCase();
  const { defaultCountry } = await workspaceOf(db, workspaceId);
  const phone = given.phone ? normalizePhone(given.phone, defaultCountry) : undefined;
  if (phone === null)
    throw validationFailed([{ path: "contact.phone", message: "not a valid phone number" }]);
  const found =
    (email && (await contactIdWhere(db, workspaceId, "email", email))) ||
    (phone && (await contactIdWhere(db, workspaceId, "phone", phone)));
  if (found) return found;
  const principal = systemPrincipal(workspaceId);
  const input = { name: given.name ?? null, email: email ?? null, phone: phone ?? null };
  return (await createContact(db, env, principal, input, now, "api")).id;
}

function eventIdOf(automationId: string, idempotencyKey: string | undefined, now: number) {
  if (idempotencyKey === undefined) return `webhook:${automationId}:${newId("evt", now)}`;
  if (!IDEMPOTENCY_KEY.test(idempotencyKey))
    throw validationFailed([
      { path: "Idempotency-Key", message: "1–255 printable ASCII characters" },
    ]);
  return `webhook:${automationId}:${idempotencyKey}`;
}

export type WebhookCallRequest = {
  token: string;
  rawBody: Uint8Array<ArrayBuffer>;
  signature: string | undefined;
  idempotencyKey: string | undefined;
};

/**
 * A call to an automation's webhook URL: checked (signature, then body) before anything is
 * stored, then started like any event. The same Idempotency-Key starts no second run and
 * answers the runs the first call started.
 */
export async function receiveWebhookCall(db: Db, env: Env, call: WebhookCallRequest, now: number) {
  const automation = await automationByToken(db, call.token);
  await checkSignature(env, automation.webhookSecret, call);
  const eventId = eventIdOf(automation.id, call.idempotencyKey, now);
  const input = parseCall(call.rawBody);
  const { workspaceId } = automation;
  const contactId = await contactOf(db, env, workspaceId, input.contact, now);
  await startRuns(
    db,
    env,
    {
      type: "webhook",
      id: eventId,
      workspaceId,
      at: now,
      contactId,
      automationId: automation.id,
      ...(input.data ? { data: input.data } : {}),
    },
    now,
  );
  const runs = await db
    .select({ id: automationRuns.id })
    .from(automationRuns)
    .where(
      inWorkspace(
        automationRuns,
        workspaceId,
        eq(automationRuns.automationId, automation.id),
        eq(automationRuns.triggerEventId, eventId),
      ),
    );
  return runs.map((run) => run.id);
}
