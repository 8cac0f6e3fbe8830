// Secrets are not in wrangler.jsonc, so `wrangler types` cannot see them.
// Local dev reads them from .dev.vars (written by `npm run dev`); production from `wrangler secret put`.
interface Env {
  /** Signs visitor tokens and file URLs. */
  APP_SECRET: string;
  /** 32 random bytes, base64url: the AES-GCM key for channel credentials at rest. */
  SECRETS_KEY: string;
}

/** Local-only settings (from .dev.vars or the test config), absent in production. */
interface Env {
  /** "true" lets channel base URLs and outbound webhooks point at loopback / private hosts. */
  ALLOW_PRIVATE_TARGETS?: string;
  /** The local fake platforms server, for tests and the local demo. */
  FAKE_PLATFORMS_URL?: string;
}
