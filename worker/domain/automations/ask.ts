import { asc, eq, gt } from "drizzle-orm";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { automationAnswers } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { AskStep } from "../../schemas/automations";
import { hintFor, questionText, readAnswer } from "./answers";
import { contactOf, sendFromAutomation, setContactField, workspaceOf } from "./effects";
import { fill, need, quietHoursEnd, type StepContext, type StepResult } from "./step-context";

/** Each question sent and each answer read, in order: the run log shows them in the output. */
type Try =
  | { question: string; seq: number; at: string }
  | { answer: string; valid: boolean; at: string };

/** What an ask step logs while it waits: where it asked, its last question's seq, its tries. */
type Asked = { conversation_id: string; seq: number; tries: Try[] };

const isAsked = (output: Record<string, unknown> | null): output is Asked =>
  Array.isArray(output?.tries) && typeof output?.seq === "number";

/**
 * Asks a question in the run's conversation and waits for the answer (or the timeout). Resumed
 * with the customer's answer, it reads it by the step's type: valid, it is saved and the run
 * goes on into `on_answer`; invalid, the question is asked again with a hint, up to `retries`
 * times; then, or when no answer came in time, into `on_timeout`.
 */
export async function ask(
  ctx: StepContext,
  step: AskStep,
  resumed: Record<string, unknown> | null,
): Promise<StepResult> {
  // a question held back by quiet hours, or a new one
  if (!isAsked(resumed)) {
    const quietEnd = await quietHoursEnd(ctx);
    if (quietEnd !== null)
      return {
        status: "waiting",
        until: quietEnd,
        output: { reason: "quiet_hours", until: new Date(quietEnd).toISOString() },
      };
    return sendQuestion(ctx, step, [], await fill(ctx, step.question));
  }
  const answer = await answerAfter(ctx, step, resumed.seq);
  if (!answer) return { status: "completed", output: { ...resumed, reason: "timeout" } };
  return readTry(ctx, step, resumed, answer.text);
}

async function sendQuestion(
  ctx: StepContext,
  step: AskStep,
  tries: Try[],
  text: string,
): Promise<StepResult> {
  need(ctx.scope.conversationId, "conversation to ask in");
  const question = questionText(text, step);
  const sent = await sendFromAutomation(
    ctx.db,
    ctx.env,
    ctx.scope,
    { text: question },
    ctx.automationName,
    ctx.now,
  );
  ctx.messagesSent += 1;
  const until = ctx.now + step.timeout_minutes * 60_000;
  const asked: Asked = {
    conversation_id: sent.conversationId,
    seq: sent.seq,
    tries: [...tries, { question, seq: sent.seq, at: new Date(ctx.now).toISOString() }],
  };
  return {
    status: "waiting",
    until,
    output: { ...asked, until: new Date(until).toISOString() },
    asking: { conversationId: sent.conversationId, seq: sent.seq },
  };
}

/** The first answer taken for this question (a message after it in the conversation). */
function answerAfter(ctx: StepContext, step: AskStep, seq: number) {
  return ctx.db.query.automationAnswers.findFirst({
    where: inWorkspace(
      automationAnswers,
      ctx.run.workspaceId,
      eq(automationAnswers.runId, ctx.run.id),
      eq(automationAnswers.stepId, step.id ?? ""),
      gt(automationAnswers.seq, seq),
    ),
    orderBy: asc(automationAnswers.seq),
  });
}

const customerOf = (ctx: StepContext) =>
  ctx.scope.contactId
    ? contactOf(ctx.db, ctx.scope.workspaceId, ctx.scope.contactId).catch(() => null)
    : Promise.resolve(null);

/** Where a phone answer without a +prefix is read: the contact's own number's, else the workspace's. */
async function countryOf(ctx: StepContext) {
  const contact = await customerOf(ctx);
  const own = contact?.phone ? parsePhoneNumberFromString(contact.phone)?.country : undefined;
  return own ?? (await workspaceOf(ctx.db, ctx.scope.workspaceId)).defaultCountry;
}

async function readTry(
  ctx: StepContext,
  step: AskStep,
  asked: Asked,
  text: string,
): Promise<StepResult> {
  const reading = readAnswer(step.answer_type, text, {
    choices: step.choices,
    country: step.answer_type === "phone" ? await countryOf(ctx) : "US",
  });
  const tries: Try[] = [
    ...asked.tries,
    { answer: text, valid: reading.valid, at: new Date(ctx.now).toISOString() },
  ];
  if (reading.valid) {
    const { value } = reading;
    ctx.vars.last_answer = value;
    ctx.vars.answers = { ...(ctx.vars.answers as Record<string, unknown>), [step.id ?? ""]: value };
    if (step.save_to_field) {
      const contactId = need(ctx.scope.contactId, "contact to save the answer to");
      await setContactField(
        ctx.db,
        ctx.env,
        ctx.scope,
        contactId,
        step.save_to_field,
        value,
        ctx.now,
      );
    }
    return { status: "completed", output: { ...asked, tries, answer: value } };
  }
  const invalid = tries.filter((t) => "answer" in t && !t.valid).length;
  if (invalid > step.retries)
    return { status: "completed", output: { ...asked, tries, reason: "invalid" } };
  const language = (await customerOf(ctx))?.language;
  const again = `${hintFor(step.answer_type, language)}\n${await fill(ctx, step.question)}`;
  return sendQuestion(ctx, step, tries, again);
}
