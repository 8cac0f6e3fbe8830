import { eq } from "drizzle-orm";
import type { automationRuns } from "../../db/schema";
import { automationSettings } from "../../db/schema";
import type { Db } from "../../lib/context";
import { readPath } from "./conditions";
import { contactOf, type RunScope, renderForRun, workspaceOf } from "./effects";
import type { StepTree } from "./steps";
import { quietUntil } from "./timing";

type RunRow = typeof automationRuns.$inferSelect;

/** What a step sees: the run, its scope, values saved so far, and how to start another automation. */
export type StepContext = {
  db: Db;
  env: Env;
  run: RunRow;
  now: number;
  tree: StepTree;
  scope: RunScope;
  automationName: string;
  vars: Record<string, unknown>;
  messagesSent: number;
  startAutomation: (automationId: string, eventId: string, chain: string[]) => Promise<string[]>;
};

export type StepResult =
  | { status: "completed" | "skipped"; output?: Record<string, unknown>; error?: string }
  | {
      status: "waiting";
      until: number;
      output: Record<string, unknown>;
      /** A question waits for its answer: a later message in this conversation is one. */
      asking?: { conversationId: string; seq: number };
    }
  | { status: "failed"; error: string; output?: Record<string, unknown> };

/** Thrown by a step that cannot do its work; the run fails with this message. */
export class StepFailed extends Error {}

export const need = <T>(value: T | null | undefined, what: string): T => {
  if (value === null || value === undefined) throw new StepFailed(`the run has no ${what}`);
  return value;
};

const RUN_VARIABLE = /\{\{\s*(vars|trigger)\.([^{}|\s]+)\s*(?:\|([^{}]*))?\}\}/g;

/**
 * Fills a text: `{{vars.NAME.path}}` from values earlier steps saved, `{{trigger.data.path}}`
 * from what started the run (an incoming webhook's data), the rest through the variable engine.
 * These values go in as they are, never read again as variables.
 */
export async function fill(ctx: StepContext, text: string) {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(RUN_VARIABLE)) {
    const index = match.index ?? 0;
    out += (await renderForRun(ctx.db, ctx.scope, text.slice(last, index))).text;
    const source = match[1] === "trigger" ? ctx.run.trigger : ctx.vars;
    const value = readPath(source, match[2] ?? "");
    const shown =
      value === undefined || value === null
        ? (match[3] ?? "").trim()
        : typeof value === "object"
          ? JSON.stringify(value)
          : String(value);
    out += shown;
    last = index + match[0].length;
  }
  return out + (await renderForRun(ctx.db, ctx.scope, text.slice(last))).text;
}

/** Strings anywhere in a JSON value filled like texts. */
export async function fillJson(ctx: StepContext, value: unknown): Promise<unknown> {
  if (typeof value === "string") return fill(ctx, value);
  if (Array.isArray(value)) return Promise.all(value.map((v) => fillJson(ctx, v)));
  if (value && typeof value === "object")
    return Object.fromEntries(
      await Promise.all(
        Object.entries(value).map(async ([k, v]) => [k, await fillJson(ctx, v)] as const),
      ),
    );
  return value;
}

/** When quiet hours hold a message back: the end of the window in the contact's timezone. */
export async function quietHoursEnd(ctx: StepContext) {
  const settings = await ctx.db.query.automationSettings.findFirst({
    where: eq(automationSettings.workspaceId, ctx.scope.workspaceId),
  });
  if (!settings?.quietFrom || !settings.quietTo) return null;
  const contact = ctx.scope.contactId
    ? await contactOf(ctx.db, ctx.scope.workspaceId, ctx.scope.contactId).catch(() => null)
    : null;
  const timezone = contact?.timezone ?? (await workspaceOf(ctx.db, ctx.scope.workspaceId)).timezone;
  return quietUntil(ctx.now, { from: settings.quietFrom, to: settings.quietTo }, timezone);
}
