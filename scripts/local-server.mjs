// Starts throwaway local copies of Conversa (or another worker config) for benchmarks and browser tests.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ensureDevVars, fakePlatformsVars } from "./dev-vars.mjs";
import { DEMO_LOGIN, seedIfEmpty } from "./seed.mjs";

const root = new URL("../", import.meta.url).pathname;

/** Quiet, unless CONVERSA_SERVER_LOG names a file prefix: then `<prefix>.<port>.log` gets the server's output. */
function serverOutput(port) {
  const prefix = process.env.CONVERSA_SERVER_LOG;
  if (!prefix) return "ignore";
  const log = openSync(`${prefix}.${port}.log`, "a");
  return ["ignore", log, log];
}

/** `wrangler dev` on 127.0.0.1:port, resolved once /health answers; `stop()` ends it. */
export async function startWorker(args, port) {
  const child = spawn("wrangler", ["dev", "--ip", "127.0.0.1", "--port", String(port), ...args], {
    cwd: root,
    // wrangler's local observability collector streams a trace of every call; these throwaway
    // servers have no dashboard to show it in
    env: { ...process.env, CI: "true", X_LOCAL_OBSERVABILITY: "false" },
    stdio: serverOutput(port),
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      // already gone
    }
  };
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      await fetch(`${base}/health`);
      return { base, stop };
    } catch {
      await sleep(100);
    }
  }
  stop();
  throw new Error(`wrangler dev on port ${port} did not start`);
}

/**
 * A fresh Conversa with its own database (kept under `dataRoot`): migrated, seeded with the demo
 * workspace (and, given a fake platforms URL, the demo WhatsApp channel pointing at it).
 * `beforeStart` gets the data directory once it is migrated and seeded, before the server opens it.
 * @param {number} port
 * @param {{ fakePlatformsUrl?: string | null, dataRoot?: string, beforeStart?: (persist: string) => void }} [options]
 */
export async function startConversa(
  port,
  { fakePlatformsUrl = null, dataRoot = tmpdir(), beforeStart = () => {} } = {},
) {
  const persist = mkdtempSync(join(dataRoot, "conversa-local-"));
  const removeData = () => rmSync(persist, { recursive: true, force: true });
  try {
    const migrate = spawnSync(
      "wrangler",
      ["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist],
      { cwd: root, env: { ...process.env, CI: "true" }, encoding: "utf8" },
    );
    if (migrate.status !== 0) throw new Error(`migrations failed: ${migrate.stderr}`);
    const { channelId } = await seedIfEmpty({
      secretsKey: ensureDevVars().SECRETS_KEY,
      persistTo: persist,
      fakePlatformsUrl,
    });
    beforeStart(persist);
    const fakeArgs = fakePlatformsUrl ? fakePlatformsVars(fakePlatformsUrl) : [];
    const server = await startWorker(["--persist-to", persist, ...fakeArgs], port);
    return {
      base: server.base,
      channelId,
      stop: () => {
        server.stop();
        removeData();
      },
    };
  } catch (error) {
    removeData();
    throw error;
  }
}

/**
 * Signs the demo admin in to a local Conversa: its session cookie, and `call` for JSON requests
 * with it (a string body is sent as is, with `type`); a refused request throws.
 */
export async function signInAsDemoAdmin(origin) {
  const login = await fetch(`${origin}/api/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin },
    body: JSON.stringify(DEMO_LOGIN),
  });
  const cookie = login.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`login failed: ${login.status}`);
  const call = async (method, path, body, type = "application/json") => {
    const response = await fetch(`${origin}${path}`, {
      method,
      headers: { "content-type": type, origin, cookie },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  };
  return { cookie, call };
}
