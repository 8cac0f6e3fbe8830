import { defineConfig } from "vite";

/**
 * The widget, in two files with stable names: `widget.js`, the tiny loader, as a classic
 * script (WIDGET_PART=loader), and `widget-app.js`, the chat, an ES module it imports lazily.
 */
const loader = process.env.WIDGET_PART === "loader";

export default defineConfig({
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "web/dist",
    emptyOutDir: false,
    target: "es2022",
    minify: true,
    lib: loader
      ? {
          entry: "web/widget/loader.ts",
          formats: ["iife"],
          name: "ConversaLoader",
          fileName: () => "widget.js",
        }
      : { entry: "web/widget/app.tsx", formats: ["es"], fileName: () => "widget-app.js" },
  },
});
