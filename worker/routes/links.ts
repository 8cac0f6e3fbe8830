import { createRoute, z } from "@hono/zod-openapi";
import { followLink } from "../domain/broadcasts/links";
import { notFound } from "../lib/errors";
import { createRouter } from "../lib/router";
import { errorResponses, singleLine } from "../schemas/common";

const followRoute = createRoute({
  method: "get",
  path: "/l/{code}",
  tags: ["Broadcasts"],
  summary: "A broadcast's short link: counts the recipient's click and redirects to the address",
  request: {
    params: z.object({
      code: z.string().max(64).check(singleLine).openapi({ example: "a1B2c3D4e5" }),
    }),
  },
  responses: {
    302: { description: "To the address the message linked to" },
    ...errorResponses,
  },
});

/** Short links of broadcast messages: only codes issued here resolve, so none redirects elsewhere. */
export const linksRouter = createRouter().openapi(followRoute, async (c) => {
  const { code } = c.req.valid("param");
  const agent = c.req.header("user-agent") ?? "";
  const url = await followLink(c.get("db"), code, agent, c.get("clock").now());
  if (!url) throw notFound("Link");
  c.header("cache-control", "no-store");
  c.header("referrer-policy", "no-referrer");
  return c.redirect(url, 302);
});
