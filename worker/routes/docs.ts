import { Hono } from "hono";
import { html } from "hono/html";
import type { AppEnv } from "../lib/context";
import { notFound } from "../lib/errors";

/** Swagger UI, copied from the swagger-ui-dist package into web/dist/api/docs by the build. */
export const DOCS_FILES = new Set(["swagger-ui.css", "swagger-ui-bundle.js", "init.js"]);

/** The interactive API docs, served from our own origin: no CDN, no inline script. */
export const docsRouter = new Hono<AppEnv>()
  .get("/api/docs", (c) =>
    c.html(html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Conversa API</title>
    <link rel="stylesheet" href="/api/docs/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui" data-openapi-url="/api/v1/openapi.json"></div>
    <script src="/api/docs/swagger-ui-bundle.js"></script>
    <script src="/api/docs/init.js"></script>
  </body>
</html>`),
  )
  .get("/api/docs/:file", async (c) => {
    if (!DOCS_FILES.has(c.req.param("file"))) throw notFound("This file");
    const asset = await c.env.ASSETS.fetch(new URL(c.req.path, c.req.url));
    if (!asset.ok) throw notFound("This file");
    return asset;
  });
