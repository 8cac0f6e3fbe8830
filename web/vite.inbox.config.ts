import { defineConfig } from "vite";

/** The agent inbox: index.html at the root of web/dist. */
export default defineConfig({
  root: "web/inbox",
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: { outDir: "../dist", emptyOutDir: false, target: "es2022" },
});
