import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { defineConfig, type Plugin } from "vite";

const swaggerUi = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

/** Swagger UI for /api/docs, from the npm package into web/dist/api/docs: no CDN. */
const apiDocsAssets = (): Plugin => ({
  name: "api-docs-assets",
  generateBundle() {
    for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"])
      this.emitFile({
        type: "asset",
        fileName: `api/docs/${file}`,
        source: readFileSync(join(swaggerUi, file)),
      });
  },
});

/** The agent inbox: index.html at the root of web/dist, with web/public copied beside it as is. */
export default defineConfig({
  root: "web/inbox",
  publicDir: "../public",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  plugins: [apiDocsAssets()],
  build: {
    outDir: "../dist",
    emptyOutDir: false,
    target: "es2022",
    rollupOptions: {
      output: {
        // a catalog is named by language and namespace, never taken for the screen of its name
        chunkFileNames: (chunk) => {
          const [first] = chunk.moduleIds;
          const catalog =
            chunk.moduleIds.length === 1
              ? first?.match(/locales\/([^/]+)\/([^/.]+)\.json$/)
              : undefined;
          return catalog
            ? `assets/locale-${catalog[1]}-${catalog[2]}-[hash].js`
            : "assets/[name]-[hash].js";
        },
      },
    },
  },
});
