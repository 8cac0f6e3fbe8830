// `.dev.vars` holds local secrets for `wrangler dev` (git-ignored); missing keys are generated once.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const FILE = new URL("../.dev.vars", import.meta.url);

const DEFAULTS = {
  APP_SECRET: () => randomBytes(32).toString("base64url"),
  SECRETS_KEY: () => randomBytes(32).toString("base64url"),
};

/**
 * `wrangler dev` arguments that let a local Conversa reach the fake platforms server (on
 * loopback, which the outbound URL guard refuses otherwise) and resolve names through its
 * DNS-over-HTTPS endpoint. A DOH_RESOLVER_URL in .dev.vars (a real resolver) is kept.
 */
export function fakePlatformsVars(fakePlatformsUrl, vars = {}) {
  return [
    "--var",
    `PRIVATE_TARGET_ORIGINS:${fakePlatformsUrl}`,
    ...(vars.DOH_RESOLVER_URL ? [] : ["--var", `DOH_RESOLVER_URL:${fakePlatformsUrl}/dns-query`]),
  ];
}

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
