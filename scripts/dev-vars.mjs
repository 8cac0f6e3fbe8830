// `.dev.vars` holds local secrets for `wrangler dev` (git-ignored); missing keys are generated once.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const FILE = new URL("../.dev.vars", import.meta.url);

const DEFAULTS = {
  APP_SECRET: () => randomBytes(32).toString("base64url"),
  SECRETS_KEY: () => randomBytes(32).toString("base64url"),
  // local fakes and test servers live on loopback
  ALLOW_PRIVATE_TARGETS: () => "true",
};

export function ensureDevVars() {
  const text = existsSync(FILE) ? readFileSync(FILE, "utf8") : "";
  const vars = Object.fromEntries(
    text
      .split("\n")
      .map((line) => line.match(/^\s*([A-Z0-9_]+)\s*=\s*"?(.*?)"?\s*$/))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
  const missing = Object.keys(DEFAULTS).filter((key) => !(key in vars));
  for (const key of missing) vars[key] = DEFAULTS[key]();
  if (missing.length > 0) {
    const added = missing.map((key) => `${key}=${vars[key]}`).join("\n");
    writeFileSync(FILE, `${text}${text && !text.endsWith("\n") ? "\n" : ""}${added}\n`);
  }
  return vars;
}
