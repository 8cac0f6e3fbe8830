import { createRoute } from "@hono/zod-openapi";
import type { Context } from "hono";
import {
  createBroadcast,
  deleteBroadcast,
  getBroadcast,
  listBroadcasts,
  toBroadcastDto,
  updateBroadcast,
} from "../domain/broadcasts/broadcasts";
import {
  cancelBroadcast,
  listRecipients,
  pauseBroadcast,
  resumeBroadcast,
  retryFailed,
  startBroadcast,
} from "../domain/broadcasts/commands";
import { broadcastStats, runsWithStats } from "../domain/broadcasts/stats";
import { pickWinner } from "../domain/broadcasts/variants";
import { requireRole } from "../lib/auth";
import type { AppEnv } from "../lib/context";
import { authenticated, createRouter } from "../lib/router";
import {
  BroadcastCreate,
  BroadcastList,
  BroadcastListQuery,
  BroadcastPatch,
  BroadcastRunList,
  BroadcastSchema,
  BroadcastStats,
  PickWinner,
  RecipientPage,
  RecipientQuery,
  RetryResult,
  StatsQuery,
} from "../schemas/broadcasts";
import { errorResponses, IdParam, jsonBody, jsonResponse } from "../schemas/common";

const tags = ["Broadcasts"];
const BroadcastId = IdParam("brd");
// messaging a whole audience is a supervisor's call; following it, anyone's
const supervisor = [requireRole("supervisor")];

const listRoute = createRoute({
  method: "get",
  path: "/broadcasts",
  tags,
  summary: "The workspace's broadcasts, newest first",
  security: authenticated,
  request: { query: BroadcastListQuery },
  responses: { 200: jsonResponse(BroadcastList, "A page"), ...errorResponses },
});

const createBroadcastRoute = createRoute({
  method: "post",
  path: "/broadcasts",
  tags,
  summary: "Save a broadcast: a draft, or scheduled when it has `send_at`",
  security: authenticated,
  middleware: supervisor,
  request: { body: jsonBody(BroadcastCreate) },
  responses: { 201: jsonResponse(BroadcastSchema, "Saved"), ...errorResponses },
});

const getRoute = createRoute({
  method: "get",
  path: "/broadcasts/{id}",
  tags,
  summary: "One broadcast",
  security: authenticated,
  request: { params: BroadcastId },
  responses: { 200: jsonResponse(BroadcastSchema, "The broadcast"), ...errorResponses },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/broadcasts/{id}",
  tags,
  summary: "Change a broadcast that has not started",
  security: authenticated,
  middleware: supervisor,
  request: { params: BroadcastId, body: jsonBody(BroadcastPatch) },
  responses: { 200: jsonResponse(BroadcastSchema, "Saved"), ...errorResponses },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/broadcasts/{id}",
  tags,
  summary: "Delete a broadcast that has not started",
  security: authenticated,
  middleware: supervisor,
  request: { params: BroadcastId },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

/** A state change of a broadcast, answered with the broadcast as it is after it. */
const action = (verb: string, summary: string) =>
  createRoute({
    method: "post",
    path: `/broadcasts/{id}/${verb}`,
    tags,
    summary,
    security: authenticated,
    middleware: supervisor,
    request: { params: BroadcastId },
    responses: { 200: jsonResponse(BroadcastSchema, "The broadcast"), ...errorResponses },
  });

const startRoute = action(
  "start",
  "Start sending now: the audience goes into the send ledger and out at the channel's pace",
);
const pauseRoute = action("pause", "Stop further sends until resumed");
const resumeRoute = action("resume", "Go on sending to the recipients still waiting");
const cancelRoute = action("cancel", "Stop for good; what was sent stays counted");

const retryRoute = createRoute({
  method: "post",
  path: "/broadcasts/{id}/retry-failed",
  tags,
  summary: "Send again to the recipients whose send failed",
  security: authenticated,
  middleware: supervisor,
  request: { params: BroadcastId },
  responses: { 200: jsonResponse(RetryResult, "How many were queued again"), ...errorResponses },
});

const pickWinnerRoute = createRoute({
  method: "post",
  path: "/broadcasts/{id}/pick-winner",
  tags,
  summary: "End an A/B test now: the held recipients get this variant",
  security: authenticated,
  middleware: supervisor,
  request: { params: BroadcastId, body: jsonBody(PickWinner) },
  responses: { 200: jsonResponse(BroadcastSchema, "The broadcast"), ...errorResponses },
});

const statsRoute = createRoute({
  method: "get",
  path: "/broadcasts/{id}/stats",
  tags,
  summary: "Counts of the send ledger, live while it sends: of every run, or of one",
  security: authenticated,
  request: { params: BroadcastId, query: StatsQuery },
  responses: { 200: jsonResponse(BroadcastStats, "The counts"), ...errorResponses },
});

const runsRoute = createRoute({
  method: "get",
  path: "/broadcasts/{id}/runs",
  tags,
  summary:
    "Each sending of the broadcast (one per period when it recurs), the newest 100, with their counts",
  security: authenticated,
  request: { params: BroadcastId },
  responses: { 200: jsonResponse(BroadcastRunList, "The runs"), ...errorResponses },
});

const recipientsRoute = createRoute({
  method: "get",
  path: "/broadcasts/{id}/recipients",
  tags,
  summary:
    "The send ledger of a run (the latest by default), by contact id, optionally of one status",
  security: authenticated,
  request: { params: BroadcastId, query: RecipientQuery },
  responses: { 200: jsonResponse(RecipientPage, "A page"), ...errorResponses },
});

const scope = (c: Pick<Context<AppEnv>, "get">) => ({
  db: c.get("db"),
  workspaceId: c.get("principal").workspaceId,
  now: c.get("clock").now(),
});

export const broadcastsRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const { db, workspaceId } = scope(c);
    const page = await listBroadcasts(db, workspaceId, c.req.valid("query"));
    return c.json({ data: page.data.map(toBroadcastDto), next_cursor: page.next_cursor }, 200);
  })
  .openapi(createBroadcastRoute, async (c) => {
    const { db, workspaceId, now } = scope(c);
    const at = { now, origin: new URL(c.req.url).origin };
    const row = await createBroadcast(db, workspaceId, c.req.valid("json"), at);
    return c.json(toBroadcastDto(row), 201);
  })
  .openapi(getRoute, async (c) => {
    const { db, workspaceId } = scope(c);
    return c.json(
      toBroadcastDto(await getBroadcast(db, workspaceId, c.req.valid("param").id)),
      200,
    );
  })
  .openapi(updateRoute, async (c) => {
    const { db, workspaceId, now } = scope(c);
    const id = c.req.valid("param").id;
    const at = { now, origin: new URL(c.req.url).origin };
    const row = await updateBroadcast(db, workspaceId, id, c.req.valid("json"), at);
    return c.json(toBroadcastDto(row), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { db, workspaceId } = scope(c);
    await deleteBroadcast(db, workspaceId, c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(startRoute, async (c) => {
    const { db, workspaceId, now } = scope(c);
    const row = await startBroadcast(db, c.env, workspaceId, c.req.valid("param").id, now);
    return c.json(toBroadcastDto(row), 200);
  })
  .openapi(pauseRoute, async (c) => {
    const { db, workspaceId, now } = scope(c);
    const row = await pauseBroadcast(db, workspaceId, c.req.valid("param").id, now);
    return c.json(toBroadcastDto(row), 200);
  })
  .openapi(resumeRoute, async (c) => {
    const { db, workspaceId, now } = scope(c);
    const row = await resumeBroadcast(db, c.env, workspaceId, c.req.valid("param").id, now);
    return c.json(toBroadcastDto(row), 200);
  })
  .openapi(cancelRoute, async (c) => {
    const { db, workspaceId, now } = scope(c);
    const row = await cancelBroadcast(db, workspaceId, c.req.valid("param").id, now);
    return c.json(toBroadcastDto(row), 200);
  })
  .openapi(retryRoute, async (c) => {
    const { db, workspaceId, now } = scope(c);
    return c.json(await retryFailed(db, c.env, workspaceId, c.req.valid("param").id, now), 200);
  })
  .openapi(pickWinnerRoute, async (c) => {
    const { db, workspaceId, now } = scope(c);
    const { variant } = c.req.valid("json");
    const id = c.req.valid("param").id;
    const row = await pickWinner(db, c.env, workspaceId, id, variant, now);
    return c.json(toBroadcastDto(row), 200);
  })
  .openapi(statsRoute, async (c) => {
    const { db, workspaceId } = scope(c);
    const { run } = c.req.valid("query");
    return c.json(await broadcastStats(db, workspaceId, c.req.valid("param").id, run), 200);
  })
  .openapi(runsRoute, async (c) => {
    const { db, workspaceId } = scope(c);
    return c.json({ data: await runsWithStats(db, workspaceId, c.req.valid("param").id) }, 200);
  })
  .openapi(recipientsRoute, async (c) => {
    const { db, workspaceId } = scope(c);
    const page = await listRecipients(
      db,
      workspaceId,
      c.req.valid("param").id,
      c.req.valid("query"),
    );
    return c.json(page, 200);
  });
