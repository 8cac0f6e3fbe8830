// `npm run bench`, broadcast case: 10,000 Telegram recipients (a CSV audience) through the local
// fake platform, the channel at 100 messages/s so broadcasts get 80/s, 5 % of the platform's
// answers a passing failure. While it sends, an agent-side reply goes out on the same channel
// every half second. Prints one line: the busiest second the platform saw, the rate of messages
// delivered against the cap and of all requests (retries of the 5 % included) against it,
// messages delivered twice or never, the time taken and the replies' p99 from the API call to
// their arrival at the platform.
import { accessSync, constants } from "node:fs";
import { tmpdir } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { signInAsDemoAdmin, startConversa } from "../../scripts/local-server.mjs";
import { startFakePlatforms } from "../fakes/platforms.mjs";

const RECIPIENTS = Number(process.env.BENCH_BROADCAST_RECIPIENTS ?? 10_000);
const CHANNEL_RATE = 100;
/** Broadcasts take this share of the channel's rate; live replies keep the rest. */
const CAP = 80;
const FAILURE_RATE = 0.05;
const REPLY_EVERY_MS = 500;
const SETTLE_TIMEOUT_MS = 900_000;
const CHAT_BASE = 7_000_000_000;
/** Longer than the backoffs before a broadcast's message is tried a fourth time (5 s, 5 s, 30 s). */
const QUIET_SECONDS = 45;

const DATA_DIR = process.env.BENCH_DATA_DIR ?? (writable("/dev/shm") ? "/dev/shm" : tmpdir());

function writable(dir) {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The Telegram bot the broadcast goes out on, its platform the fake. */
async function telegramChannel(call, fakeUrl) {
  const botToken = `${Date.now()}:AAHbench${Math.floor(Math.random() * 1e9)}`;
  const channel = await call("POST", "/api/v1/channels", {
    type: "telegram",
    name: "Bench bot",
    config: {
      bot_token: botToken,
      secret_token: "bench_secret",
      api_base_url: fakeUrl,
      max_per_second: CHANNEL_RATE,
    },
  });
  return { id: channel.id, sendPath: `/bot${botToken}/sendMessage` };
}

/** A broadcast to RECIPIENTS chats, named in a CSV of Telegram chat ids. */
async function broadcastToCsv(call, channelId) {
  const broadcast = await call("POST", "/api/v1/broadcasts", {
    name: "Bench broadcast",
    channel_id: channelId,
    audience: { tags: ["bench-nobody"] },
    message: { text: "Our winter plans are here, {{contact.name|friend}}." },
    track_clicks: false,
  });
  const rows = Array.from({ length: RECIPIENTS }, (_, i) => `${CHAT_BASE + i},Reader ${i}`);
  const csv = `identity,name\n${rows.join("\n")}\n`;
  const added = await call(
    "POST",
    `/api/v1/broadcasts/${broadcast.id}/audience/csv`,
    csv,
    "text/csv",
  );
  if (added.rejected.length) throw new Error(`CSV rows refused: ${JSON.stringify(added.rejected)}`);
  return broadcast;
}

/** An agent-side message to a chat outside the audience; its text names it. */
function sendReply(call, channelId, n) {
  return call("POST", "/api/v1/messages", {
    channel_id: channelId,
    to: { platform_id: String(CHAT_BASE - 1 - (n % 20)), name: `Asker ${n % 20}` },
    text: `reply #${n}`,
  });
}

/** How many audience chats the platform accepted a message for. */
function deliveredChats(requests) {
  const chats = new Set();
  for (const request of requests) {
    const chat = Number(JSON.parse(request.body).chat_id);
    if (chat >= CHAT_BASE && request.response?.status === 200) chats.add(chat);
  }
  return chats.size;
}

async function fakeRequests(fakeUrl, path) {
  const response = await fetch(`${fakeUrl}/__fake/requests?path=${encodeURIComponent(path)}`);
  return response.json();
}

const fake = await startFakePlatforms(0);
const server = await startConversa(8977, { fakePlatformsUrl: fake.url, dataRoot: DATA_DIR });
try {
  const { call } = await signInAsDemoAdmin(server.base);
  const channel = await telegramChannel(call, fake.url);
  const broadcast = await broadcastToCsv(call, channel.id);
  await fetch(`${fake.url}/__fake/flaky`, {
    method: "PUT",
    body: JSON.stringify([
      {
        path: channel.sendPath,
        rate: FAILURE_RATE,
        status: 502,
        body: { ok: false, error_code: 502, description: "Bad Gateway" },
      },
    ]),
  });

  const started = Date.now();
  await call("POST", `/api/v1/broadcasts/${broadcast.id}/start`);
  const replies = new Map();
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  let stats = await call("GET", `/api/v1/broadcasts/${broadcast.id}/stats`);
  let nextReply = 0;
  while (stats.status === "running" && performance.now() < deadline) {
    replies.set(`reply #${nextReply}`, Date.now());
    sendReply(call, channel.id, nextReply++).catch(() => {});
    await sleep(REPLY_EVERY_MS);
    if (nextReply % 4 === 0) stats = await call("GET", `/api/v1/broadcasts/${broadcast.id}/stats`);
  }
  // the ledger is done when every message is written and sent; passing failures still retry
  // through the broadcasts queue, the fourth try after a 30 s backoff, so quiet is waited for longer
  let requests = await fakeRequests(fake.url, channel.sendPath);
  for (let still = 0; still < QUIET_SECONDS && performance.now() < deadline; ) {
    if (deliveredChats(requests) >= RECIPIENTS) break;
    await sleep(1000);
    const now = await fakeRequests(fake.url, channel.sendPath);
    still = now.length === requests.length ? still + 1 : 0;
    requests = now;
  }
  const bySecond = new Map();
  const deliveredTo = new Map();
  const repliesAt = new Map();
  let lastDelivery = started;
  for (const request of requests) {
    const sent = JSON.parse(request.body);
    const chat = Number(sent.chat_id);
    if (chat < CHAT_BASE) {
      if (request.response?.status === 200) repliesAt.set(sent.text, request.at);
      continue;
    }
    const second = Math.floor(request.at / 1000);
    bySecond.set(second, (bySecond.get(second) ?? 0) + 1);
    if (request.response?.status !== 200) continue;
    deliveredTo.set(chat, (deliveredTo.get(chat) ?? 0) + 1);
    lastDelivery = Math.max(lastDelivery, request.at);
  }
  const busiest = Math.max(0, ...bySecond.values());
  const duplicates = [...deliveredTo.values()].reduce((sum, n) => sum + n - 1, 0);
  const missing = RECIPIENTS - deliveredTo.size;
  const seconds = (lastDelivery - started) / 1000;
  const rateShare = deliveredTo.size / seconds / CAP;
  // every request the platform saw for the broadcast, first tries and retries alike
  const sendsShare = [...bySecond.values()].reduce((sum, n) => sum + n, 0) / seconds / CAP;
  const latencies = [...replies]
    .filter(([text]) => repliesAt.has(text))
    .map(([text, at]) => repliesAt.get(text) - at)
    .sort((a, b) => a - b);
  const p99 = percentile(latencies, 99);
  console.log(
    `broadcast: max_per_second=${busiest} cap=${CAP} rate_share=${rateShare.toFixed(2)} sends_share=${sendsShare.toFixed(2)} duplicates=${duplicates} missing=${missing} seconds=${Math.round(seconds)} replies_p99_ms=${Number.isFinite(p99) ? Math.round(p99) : "NaN"}`,
  );
  if (stats.status !== "completed")
    console.error(`the broadcast ended ${stats.status}: ${JSON.stringify(stats)}`);
} finally {
  try {
    server.stop();
  } catch {
    await sleep(1000);
    server.stop();
  }
  await fake.close();
}
process.exit(0);
