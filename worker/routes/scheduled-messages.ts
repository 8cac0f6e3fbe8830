import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  scheduleMessage,
  scheduleSequence,
  updateScheduled,
} from "../domain/scheduled-messages/schedule";
import {
  cancelScheduled,
  cancelSequence,
  getScheduled,
  listScheduled,
  sequenceRows,
  toListItemDto,
  toScheduledDto,
} from "../domain/scheduled-messages/store";
import type { AppEnv } from "../lib/context";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";
import {
  ScheduledListQuery,
  ScheduledMessageCreate,
  ScheduledMessageList,
  ScheduledMessagePatch,
  ScheduledMessageSchema,
  SequenceCreate,
  SequenceSchema,
} from "../schemas/scheduled-messages";

const tags = ["Scheduled messages"];
const ScheduledId = IdParam("sch");
const SequenceId = IdParam("seq");
const one = (description: string) => jsonResponse(ScheduledMessageSchema, description);

const listRoute = createRoute({
  method: "get",
  path: "/scheduled-messages",
  tags,
  summary:
    "Scheduled messages by send time: a calendar, filtered by contact, conversation, status, dates",
  security: authenticated,
  request: { query: ScheduledListQuery },
  responses: { 200: jsonResponse(ScheduledMessageList, "A page"), ...errorResponses },
});

const createScheduledRoute = createRoute({
  method: "post",
  path: "/scheduled-messages",
  tags,
  summary: "Schedule a message to a contact or into a conversation, once or repeating",
  description:
    "Sent at `send_at` to the second, the way an agent's reply goes (the channel's rules apply at send time), never twice.",
  security: authenticated,
  request: { body: jsonBody(ScheduledMessageCreate) },
  responses: { 201: one("Scheduled"), ...errorResponses },
});

const createSequenceRoute = createRoute({
  method: "post",
  path: "/scheduled-messages/sequences",
  tags,
  summary:
    "Schedule a sequence of messages (e.g. +24 h and +72 h), cancelled when the customer replies",
  security: authenticated,
  request: { body: jsonBody(SequenceCreate) },
  responses: { 201: jsonResponse(SequenceSchema, "Scheduled"), ...errorResponses },
});

const getRoute = createRoute({
  method: "get",
  path: "/scheduled-messages/{id}",
  tags,
  summary: "One scheduled message",
  security: authenticated,
  request: { params: ScheduledId },
  responses: { 200: one("The scheduled message"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/scheduled-messages/{id}",
  tags,
  summary: "Change a scheduled message still pending",
  security: authenticated,
  request: { params: ScheduledId, body: jsonBody(ScheduledMessagePatch) },
  responses: { 200: one("Saved"), ...errorResponses },
});

const cancelRoute = createRoute({
  method: "post",
  path: "/scheduled-messages/{id}/cancel",
  tags,
  summary: "Cancel a scheduled message still pending",
  security: authenticated,
  request: { params: ScheduledId },
  responses: { 200: one("Cancelled"), ...errorResponses },
});

const cancelSequenceRoute = createRoute({
  method: "post",
  path: "/scheduled-messages/sequences/{id}/cancel",
  tags,
  summary: "Cancel the steps of a sequence still pending",
  security: authenticated,
  request: { params: SequenceId },
  responses: { 200: jsonResponse(SequenceSchema, "The sequence"), ...errorResponses },
});

const getSequenceRoute = createRoute({
  method: "get",
  path: "/scheduled-messages/sequences/{id}",
  tags,
  summary: "A sequence's steps",
  security: authenticated,
  request: { params: SequenceId },
  responses: { 200: jsonResponse(SequenceSchema, "The sequence"), ...errorResponses },
});

const scope = (c: Pick<Context<AppEnv>, "get" | "req">) => ({
  db: c.get("db"),
  principal: c.get("principal"),
  workspaceId: c.get("principal").workspaceId,
  now: c.get("clock").now(),
  origin: new URL(c.req.url).origin,
});

const sequenceDto = (id: string, rows: Parameters<typeof toScheduledDto>[0][]) => ({
  id,
  data: rows.map(toScheduledDto),
});

export const scheduledMessagesRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const { db, workspaceId } = scope(c);
    const page = await listScheduled(db, workspaceId, c.req.valid("query"));
    return c.json({ data: page.data.map(toListItemDto), next_cursor: page.next_cursor }, 200);
  })
  .openapi(createScheduledRoute, async (c) => {
    const { db, principal, now, origin } = scope(c);
    const row = await scheduleMessage(db, c.env, principal, c.req.valid("json"), { now, origin });
    return c.json(toScheduledDto(row), 201);
  })
  .openapi(createSequenceRoute, async (c) => {
    const { db, principal, now, origin } = scope(c);
    const sequence = await scheduleSequence(db, c.env, principal, c.req.valid("json"), {
      now,
      origin,
    });
    return c.json(sequenceDto(sequence.id, sequence.rows), 201);
  })
  .openapi(getSequenceRoute, async (c) => {
    const { db, workspaceId } = scope(c);
    const id = c.req.valid("param").id;
    return c.json(sequenceDto(id, await sequenceRows(db, workspaceId, id)), 200);
  })
  .openapi(cancelSequenceRoute, async (c) => {
    const { db, workspaceId, now } = scope(c);
    const id = c.req.valid("param").id;
    return c.json(sequenceDto(id, await cancelSequence(db, workspaceId, id, now)), 200);
  })
  .openapi(getRoute, async (c) => {
    const { db, workspaceId } = scope(c);
    const row = await getScheduled(db, workspaceId, c.req.valid("param").id);
    return c.json(toScheduledDto(row), 200);
  })
  .openapi(updateRoute, async (c) => {
    const { db, workspaceId, now } = scope(c);
    const id = c.req.valid("param").id;
    const row = await updateScheduled(db, c.env, workspaceId, id, c.req.valid("json"), now);
    return c.json(toScheduledDto(row), 200);
  })
  .openapi(cancelRoute, async (c) => {
    const { db, workspaceId, now } = scope(c);
    const row = await cancelScheduled(db, workspaceId, c.req.valid("param").id, now);
    return c.json(toScheduledDto(row), 200);
  });
