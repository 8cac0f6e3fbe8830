// `npm run dev`: local D1 migrated and seeded, then `wrangler dev` on http://127.0.0.1:8787.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { startFakePlatforms } from "../test/fakes/platforms.mjs";
import { seedDemoConversations } from "./demo-conversations.mjs";
import { ensureDevVars, fakePlatformsVars } from "./dev-vars.mjs";
import { DEMO_LOGIN, seedIfEmpty } from "./seed.mjs";

const FAKE_PLATFORMS_PORT = Number(process.env.FAKE_PLATFORMS_PORT ?? 8790);
const DEMO_TEMPLATES = [
  {
    name: "order_update",
    language: "en_US",
    status: "APPROVED",
    category: "UTILITY",
    components: [{ type: "BODY", text: "Hi {{1}}, your order {{2}} is on its way." }],
  },
];

function parseArgs(argv) {
  let port = 8787;
  const passThrough = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--port") port = Number(argv[++i]);
    else if (arg.startsWith("--port=")) port = Number(arg.slice("--port=".length));
    else passThrough.push(arg);
  }
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`not a port: ${port}`);
  return { port, passThrough };
}

function step(label, command, args) {
  console.log(`▸ ${label}`);
  const result = spawnSync(command, args, {
    stdio: "inherit",
    env: { ...process.env, CI: "true" },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

async function waitForHealth(base) {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${base}/health`)).ok) return true;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  return false;
}

const { port, passThrough } = parseArgs(process.argv.slice(2));
const vars = ensureDevVars();
const { scripts } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
if (scripts["build:web"]) step("building the web apps", "npm", ["run", "--silent", "build:web"]);
else mkdirSync(new URL("../web/dist", import.meta.url), { recursive: true });
step("applying D1 migrations locally", "wrangler", ["d1", "migrations", "apply", "DB", "--local"]);
const fake = await startFakePlatforms(FAKE_PLATFORMS_PORT);
await fetch(`${fake.url}/__fake/templates`, {
  method: "PUT",
  body: JSON.stringify(DEMO_TEMPLATES),
});
const seed = await seedIfEmpty({ secretsKey: vars.SECRETS_KEY, fakePlatformsUrl: fake.url });
console.log(
  seed.seeded ? "▸ seeded the demo workspace" : "▸ local database already has data; not seeding",
);

const server = spawn(
  "wrangler",
  [
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    ...fakePlatformsVars(fake.url, vars),
    ...passThrough,
  ],
  {
    stdio: "inherit",
  },
);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));

const base = `http://127.0.0.1:${port}`;
if (await waitForHealth(base)) {
  if (seed.seeded && seed.channelId) {
    const made = await seedDemoConversations(base, seed.channelId).catch((error) => {
      console.error(`▸ could not play the demo conversations: ${error.message}`);
      return 0;
    });
    if (made) console.log(`▸ played ${made} demo conversations on the web chat`);
  }
  console.log(`
  Conversa is running.

    Inbox         ${base}/
    Widget demo   ${base}/demo
    API docs      ${base}/api/docs
    OpenAPI       ${base}/api/v1/openapi.json

    Demo login    ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}

    Fake platforms ${fake.url} (WhatsApp, Telegram, Twilio, email providers, OpenAI API)
      a customer writes on WhatsApp:  npm run demo:whatsapp -- "Hello!"
      what Conversa sent them:        ${fake.url}/__fake/requests
`);
}
