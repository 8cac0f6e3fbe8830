import { createRoute, z } from "@hono/zod-openapi";
import { searchMessages } from "../domain/messaging/search";
import { authenticated, createRouter } from "../lib/router";
import { errorResponses, jsonResponse, singleLine } from "../schemas/common";

const tags = ["Conversations"];
const security = authenticated;

const searchRoute = createRoute({
  method: "get",
  path: "/search/messages",
  tags,
  summary: "Full-text search over messages and notes; `#1042` finds conversation number 1042 too",
  security,
  request: {
    query: z.object({
      q: z.string().trim().min(1).max(200).check(singleLine),
      limit: z.coerce.number().int().min(1).max(100).default(25),
    }),
  },
  responses: {
    200: jsonResponse(
      z
        .object({
          data: z.array(
            z.object({
              conversation_id: z.string(),
              message_id: z.string().nullable().openapi({
                description: "Null for the conversation a number (`#1042`) names",
              }),
              seq: z.number().int(),
              snippet: z.string(),
              created_at: z.string(),
            }),
          ),
        })
        .openapi("MessageSearchResults"),
      "Matches",
    ),
    ...errorResponses,
  },
});

export const searchRouter = createRouter().openapi(searchRoute, async (c) => {
  const { q, limit } = c.req.valid("query");
  return c.json(
    { data: await searchMessages(c.env.DB, c.get("principal").workspaceId, q, limit) },
    200,
  );
});
