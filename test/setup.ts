import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { wireListeners } from "../worker/domain/events/record";
import { LISTENERS } from "../worker/listeners";

await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);

// domain code called straight from a test reacts as it does inside the Worker
wireListeners(LISTENERS);
