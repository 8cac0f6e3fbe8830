// Secrets are not in wrangler.toml, so `wrangler types` cannot see them.
// Local dev reads them from .dev.vars (written by `npm run dev`); production from `wrangler secret put`.
interface Env {
  /** Signs visitor tokens and file URLs. */
  APP_SECRET: string;
  /** 32 random bytes, base64url: the AES-GCM key for channel credentials at rest. */
  SECRETS_KEY: string;
}

/** Optional settings, absent from wrangler.toml. */
interface Env {
  /** The DNS-over-HTTPS resolver (JSON API) that checks where user-chosen URLs point; Cloudflare's by default. */
  DOH_RESOLVER_URL?: string;
}

/** Local-only settings (set by `npm run dev` and the test config), absent in production. */
interface Env {
  /**
   * Comma-separated origins (`http://127.0.0.1:8790`) that user-chosen URLs may reach although
   * they are private: the local fake platforms server. Every other private address stays refused.
   */
  PRIVATE_TARGET_ORIGINS?: string;
  /** The local fake platforms server, for tests and the local demo. */
  FAKE_PLATFORMS_URL?: string;
}
