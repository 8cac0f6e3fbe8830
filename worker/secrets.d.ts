// Secrets are not in wrangler.jsonc, so `wrangler types` cannot see them.
// Local dev reads them from .dev.vars (written by `npm run dev`); production from `wrangler secret put`.
interface Env {
  /** Signs visitor tokens and file URLs. */
  APP_SECRET: string;
  /** 32 random bytes, base64url: the AES-GCM key for channel credentials at rest. */
  SECRETS_KEY: string;
}
