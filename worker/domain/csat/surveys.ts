import { desc, eq, gte } from "drizzle-orm";
import { isPlatformChannel } from "../../channels/index";
import { contacts, conversations, csatResponses, workspaces } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import { type Db, systemPrincipal } from "../../lib/context";
import { notFound, Problem, validationFailed } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { CsatConfig } from "../../schemas/channels";
import { type ChannelRow, getChannelRow } from "../channels/channels";
import type { EventScope, Recorded } from "../events/record";
import { record } from "../events/record";
import {
  deliverAgentMessage,
  type PreparedReply,
  prepareAgentMessage,
} from "../messaging/messages";
import { contactVariables } from "../messaging/snippets";
import { conversationStub } from "../messaging/stubs";
import { writeCounting } from "../reports/rollups";
import {
  commentPrompt,
  type SurveyLanguage,
  scaleRange,
  scoreFromReply,
  surveyLanguage,
  surveyQuestion,
  surveyText,
  thanksText,
} from "./wording";

type Survey = typeof csatResponses.$inferSelect;

/** A reply to a survey on a platform channel counts while the survey is this recent. */
const ANSWER_WINDOW_MS = 72 * 60 * 60 * 1000;

const SURVEY_SENDER = { type: "bot" as const, id: null, name: "Conversa" };

/** The channel's survey settings when it sends surveys. */
function surveySettings(channel: { config: Record<string, unknown> }) {
  const settings = channel.config.csat as CsatConfig | null | undefined;
  return settings?.enabled ? settings : null;
}

async function languageOf(db: Db, channel: ChannelRow, contactId: string) {
  const [contact, workspace] = await Promise.all([
    db.query.contacts.findFirst({
      columns: { language: true },
      where: inWorkspace(contacts, channel.workspaceId, eq(contacts.id, contactId)),
    }),
    db.query.workspaces.findFirst({
      columns: { language: true },
      where: eq(workspaces.id, channel.workspaceId),
    }),
  ]);
  const widgetLanguage = channel.config.language as string | undefined;
  return surveyLanguage(contact?.language, widgetLanguage, workspace?.language);
}

type SurveyTarget = {
  channel: ChannelRow;
  conversationId: string;
  contactId: string;
  lastInboundAt: number;
};

/**
 * A message from the survey to the customer, checked by the channel's outbound rules (the reply
 * window, consent) like any reply; null when the channel refuses it now.
 */
async function prepareSurveyText(db: Db, target: SurveyTarget, text: string, now: number) {
  const { channel } = target;
  try {
    return await prepareAgentMessage(
      db,
      systemPrincipal(channel.workspaceId),
      {
        channel,
        contactId: target.contactId,
        contact: await contactVariables(db, channel.workspaceId, target.contactId),
        lastInboundAt: target.lastInboundAt,
      },
      { text, private: false },
      now,
    );
  } catch (error) {
    if (error instanceof Problem) return null;
    throw error;
  }
}

/** Stores a prepared survey message once under `key` and hands it to the outbound queue. */
const deliverSurveyText = (
  db: Db,
  env: Env,
  conversationId: string,
  reply: PreparedReply,
  key: string,
  now: number,
) =>
  deliverAgentMessage(
    db,
    env,
    conversationId,
    { ...reply, sender: SURVEY_SENDER, origin: "bot", externalId: key },
    { now, origin: "" },
  );

/** A survey message through the channel's outbound path, unless the channel refuses it now. */
async function sendSurveyText(
  db: Db,
  env: Env,
  target: SurveyTarget,
  text: string,
  key: string,
  now: number,
) {
  const reply = await prepareSurveyText(db, target, text, now);
  if (reply) await deliverSurveyText(db, env, target.conversationId, reply, key, now);
}

/**
 * Sends the survey after a close, when the channel has it on, the customer wrote in the
 * conversation and the channel would take the message now: once per close, however often the
 * event comes (the survey row is keyed by the close, its message by the survey).
 */
export async function sendSurveyAfterClose(
  scope: EventScope,
  event: Recorded<"conversation.closed">,
) {
  const { db, env } = scope;
  const workspaceId = event.workspace_id;
  const { conversation } = event;
  if (!conversation.last_inbound_at) return;
  const channel = await getChannelRow(db, workspaceId, conversation.channel_id);
  const settings = surveySettings(channel);
  if (!settings) return;
  const row = await db.query.conversations.findFirst({
    columns: { status: true, closedAt: true, closedBy: true, assigneeId: true },
    where: inWorkspace(conversations, workspaceId, eq(conversations.id, conversation.id)),
  });
  if (row?.status !== "closed" || row.closedAt === null) return;
  const language = await languageOf(db, channel, conversation.contact.id);
  // a platform that would refuse the question now (outside WhatsApp's window) gets no survey
  const platformText = isPlatformChannel(channel.type)
    ? await prepareSurveyText(
        db,
        {
          channel,
          conversationId: conversation.id,
          contactId: conversation.contact.id,
          lastInboundAt: Date.parse(conversation.last_inbound_at),
        },
        surveyText(settings.scale, language, settings.question),
        event.at,
      )
    : null;
  if (isPlatformChannel(channel.type) && !platformText) return;
  const survey = await askOnce(db, {
    id: newId("csat", event.at),
    workspaceId,
    conversationId: conversation.id,
    channelId: channel.id,
    contactId: conversation.contact.id,
    agentId: row.closedBy ?? row.assigneeId,
    scale: settings.scale,
    language,
    closedAt: row.closedAt,
    askedAt: event.at,
  });
  if (survey.stage !== "asked") return;
  if (platformText) {
    const key = `csat:${survey.id}`;
    await deliverSurveyText(db, env, conversation.id, platformText, key, event.at);
    return;
  }
  await conversationStub(env, conversation.id).appendOnce({
    kind: "event",
    sender: SURVEY_SENDER,
    externalId: `csat:${survey.id}`,
    event: {
      type: "csat_survey",
      data: {
        survey_id: survey.id,
        scale: survey.scale,
        question: surveyQuestion(
          survey.scale,
          survey.language as SurveyLanguage,
          settings.question,
        ),
        ask_comment: settings.ask_comment,
      },
    },
  });
}

/** The survey of this close: stored and counted as asked the first time, read back after. */
async function askOnce(db: Db, survey: typeof csatResponses.$inferInsert): Promise<Survey> {
  const write = db.insert(csatResponses).values(survey).onConflictDoNothing();
  await writeCounting(db, write, {
    before: [
      {
        workspaceId: survey.workspaceId,
        conversationId: survey.conversationId,
        metric: "csat_asked",
        at: survey.askedAt,
        agentId: survey.agentId,
        when: {
          sql: "NOT EXISTS (SELECT 1 FROM csat_responses r WHERE r.workspace_id = c.workspace_id AND r.conversation_id = c.id AND r.closed_at = ?)",
          params: [survey.closedAt],
        },
      },
    ],
  });
  const stored = await db.query.csatResponses.findFirst({
    where: inWorkspace(
      csatResponses,
      survey.workspaceId,
      eq(csatResponses.conversationId, survey.conversationId),
      eq(csatResponses.closedAt, survey.closedAt),
    ),
  });
  if (!stored) throw new Error("survey vanished after insert");
  return stored;
}

/**
 * Stores the score (the first one counts), counted in reports in the same transaction, and
 * records `csat.answered`; false when the survey already had one.
 */
async function storeScore(
  db: Db,
  env: Env,
  survey: Survey,
  score: number,
  next: "comment" | "done",
  now: number,
) {
  const write = db
    .update(csatResponses)
    .set({ score, answeredAt: now, stage: next })
    .where(
      inWorkspace(
        csatResponses,
        survey.workspaceId,
        eq(csatResponses.id, survey.id),
        eq(csatResponses.stage, "asked"),
      ),
    );
  await writeCounting(db, write, {
    before: [
      {
        workspaceId: survey.workspaceId,
        conversationId: survey.conversationId,
        metric: survey.scale === "csat_5" ? "csat_score" : "nps_score",
        at: now,
        agentId: survey.agentId,
        score,
        when: {
          sql: "EXISTS (SELECT 1 FROM csat_responses r WHERE r.workspace_id = c.workspace_id AND r.id = ? AND r.stage = 'asked')",
          params: [survey.id],
        },
      },
    ],
  });
  const after = await surveyById(db, survey.workspaceId, survey.id);
  if (after?.answeredAt !== now || after.score !== score) return false;
  await record({ db, env }, survey.workspaceId, {
    type: "csat.answered",
    survey_id: survey.id,
    conversation_id: survey.conversationId,
    contact_id: survey.contactId,
    channel_id: survey.channelId,
    scale: survey.scale,
    score,
  });
  return true;
}

async function storeComment(db: Db, survey: Survey, comment: string) {
  await db
    .update(csatResponses)
    .set({ comment, stage: "done" })
    .where(
      inWorkspace(
        csatResponses,
        survey.workspaceId,
        eq(csatResponses.id, survey.id),
        eq(csatResponses.stage, "comment"),
      ),
    );
}

const surveyById = (db: Db, workspaceId: string, id: string) =>
  db.query.csatResponses.findFirst({
    where: inWorkspace(csatResponses, workspaceId, eq(csatResponses.id, id)),
  });

/** What the conversation's history shows of an answer: the score, then the comment. */
function answerEvent(env: Env, survey: Survey, data: Record<string, string | number>) {
  return conversationStub(env, survey.conversationId).append({
    kind: "event",
    sender: SURVEY_SENDER,
    event: { type: "csat_answered", data: { survey_id: survey.id, scale: survey.scale, ...data } },
  });
}

/** The contact's survey on the channel still waiting for a score or comment, if recent. */
async function pendingSurvey(db: Db, channel: ChannelRow, contactId: string, now: number) {
  const row = await db.query.csatResponses.findFirst({
    where: inWorkspace(
      csatResponses,
      channel.workspaceId,
      eq(csatResponses.contactId, contactId),
      eq(csatResponses.channelId, channel.id),
      gte(csatResponses.askedAt, now - ANSWER_WINDOW_MS),
    ),
    orderBy: desc(csatResponses.askedAt),
  });
  return row && row.stage !== "done" ? row : null;
}

/**
 * A customer's message on a platform channel when they have no active conversation: the answer to
 * their pending survey (a score in its scale, or the comment asked after it) is stored instead of
 * opening a conversation, and the conversation's history shows it. Returns where it was noted, or
 * null when the message is not an answer (it goes to a new conversation, the survey waits).
 */
export async function takeSurveyAnswer(
  db: Db,
  env: Env,
  channel: ChannelRow,
  contactId: string,
  text: string | null,
  now: number,
): Promise<{ conversationId: string; seq: number } | null> {
  const survey = await pendingSurvey(db, channel, contactId, now);
  if (!survey) return null;
  const language = survey.language as SurveyLanguage;
  const settings = surveySettings(channel);
  const target = {
    channel,
    conversationId: survey.conversationId,
    contactId,
    lastInboundAt: now,
  };
  if (survey.stage === "comment") {
    const comment = text?.trim();
    if (!comment) return null;
    await storeComment(db, survey, comment.slice(0, 2000));
    const noted = await answerEvent(env, survey, { comment: comment.slice(0, 2000) });
    await sendSurveyText(db, env, target, thanksText(language), `csat:${survey.id}:thanks`, now);
    return { conversationId: survey.conversationId, seq: noted.seq };
  }
  const score = scoreFromReply(text, survey.scale);
  if (score === null) return null;
  const askComment = settings?.ask_comment ?? false;
  await storeScore(db, env, survey, score, askComment ? "comment" : "done", now);
  const noted = await answerEvent(env, survey, { score });
  const followUp = askComment ? commentPrompt(language) : thanksText(language);
  const key = `csat:${survey.id}:${askComment ? "comment" : "thanks"}`;
  await sendSurveyText(db, env, target, followUp, key, now);
  return { conversationId: survey.conversationId, seq: noted.seq };
}

/** The web chat's latest survey in a conversation of the visitor's. */
async function visitorSurvey(
  db: Db,
  visitor: { workspaceId: string; contactId: string },
  conversationId: string,
) {
  const survey = await db.query.csatResponses.findFirst({
    where: inWorkspace(
      csatResponses,
      visitor.workspaceId,
      eq(csatResponses.conversationId, conversationId),
      eq(csatResponses.contactId, visitor.contactId),
    ),
    orderBy: desc(csatResponses.askedAt),
  });
  if (!survey) throw notFound("Survey");
  return survey;
}

/** A survey as the widget and the API show it. */
const surveyDto = (survey: Survey) => ({
  id: survey.id,
  scale: survey.scale,
  score: survey.score,
  comment: survey.comment,
  asked_at: new Date(survey.askedAt).toISOString(),
  answered_at: survey.answeredAt === null ? null : new Date(survey.answeredAt).toISOString(),
});

/**
 * A web-chat visitor's answer: the first score counts (a later one changes nothing), and a
 * comment may come with it or once after it.
 */
export async function answerFromWidget(
  db: Db,
  env: Env,
  visitor: { workspaceId: string; contactId: string },
  conversationId: string,
  answer: { score: number; comment?: string | undefined },
  now: number,
) {
  const survey = await visitorSurvey(db, visitor, conversationId);
  const { min, max } = scaleRange(survey.scale);
  if (answer.score < min || answer.score > max)
    throw validationFailed([{ path: "score", message: `a whole number from ${min} to ${max}` }]);
  const comment = answer.comment?.trim();
  if (survey.stage === "asked") {
    const channel = await getChannelRow(db, visitor.workspaceId, survey.channelId);
    const askComment = surveySettings(channel)?.ask_comment ?? false;
    const next = comment || askComment ? "comment" : "done";
    if (await storeScore(db, env, survey, answer.score, next, now))
      await answerEvent(env, survey, { score: answer.score });
  }
  const current = (await surveyById(db, visitor.workspaceId, survey.id)) ?? survey;
  if (comment && current.stage === "comment") {
    await storeComment(db, current, comment);
    await answerEvent(env, current, { comment });
  }
  return surveyDto((await surveyById(db, visitor.workspaceId, survey.id)) ?? current);
}
