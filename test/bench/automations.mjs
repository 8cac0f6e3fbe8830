// `npm run bench`, automations case: 5,000 customer messages with a keyword, from web-chat
// visitors, through a 3-step automation (tag, reply, assign) limited per contact. Prints one line:
// runs (events not held by the limit), the p99 from a message's POST to the automation's reply
// on the agent's socket, steps done twice and events that started nothing.
import { accessSync, constants } from "node:fs";
import { tmpdir } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { signInAsDemoAdmin, startConversa } from "../../scripts/local-server.mjs";

const EVENTS = Number(process.env.BENCH_AUTOMATION_EVENTS ?? 5000);
const CONTACTS = Number(process.env.BENCH_AUTOMATION_CONTACTS ?? 250);
const RATE_PER_SECOND = Number(process.env.BENCH_AUTOMATION_RATE ?? 25);
/**
 * Runs each contact may have a day: the rest of their keyword messages are held by the limit.
 * (Visitors stay within the widget's 300 new sessions per address.)
 */
const RUNS_PER_CONTACT = 10;
/** How long runs may take to finish after the last message before the missing count as missed. */
const SETTLE_TIMEOUT_MS = 600_000;
const KEYWORD = "precio";

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

function openSocket(url, headers) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { headers });
    socket.onopen = () => resolve(socket);
    socket.onerror = (event) =>
      reject(new Error(`socket ${url} failed: ${event.message ?? "error"}`));
  });
}

async function postVisitorMessage(origin, token, text, conversationId) {
  const response = await fetch(`${origin}/widget/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ text, ...(conversationId ? { conversation_id: conversationId } : {}) }),
  });
  if (response.status !== 201)
    throw new Error(`send failed: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A visitor's conversation, opened without the keyword, with the agent's socket on it. */
async function openConversation(origin, channelId, cookie) {
  const response = await fetch(`${origin}/widget/v1/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ channel_id: channelId }),
  });
  if (!response.ok) throw new Error(`session failed: ${response.status} ${await response.text()}`);
  const session = await response.json();
  const first = await postVisitorMessage(origin, session.token, "hola");
  const socket = await openSocket(
    `${origin.replace("http", "ws")}/api/v1/conversations/${first.conversation_id}/ws?after_seq=1`,
    { cookie, origin },
  );
  const target = {
    token: session.token,
    id: first.conversation_id,
    socket,
    sentAt: [],
    replies: new Set(),
  };
  socket.onmessage = (event) => {
    const frame = JSON.parse(String(event.data));
    const message = frame.message;
    if (frame.type !== "message" || message?.sender?.type !== "bot") return;
    if (target.replies.has(message.seq)) return;
    target.replies.add(message.seq);
    // the k-th reply answers the k-th keyword message: a contact's messages are seconds apart
    const sentAt = target.sentAt[target.replies.size - 1];
    if (sentAt !== undefined) latencies.push(performance.now() - sentAt);
  };
  return target;
}

const latencies = [];

function countBy(items, key) {
  const counts = new Map();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** Every run of the automation, page by page. */
async function runLog(call, automationId) {
  const all = [];
  let cursor = null;
  do {
    const page = await call(
      "GET",
      `/api/v1/automations/${automationId}/runs?limit=100${cursor ? `&cursor=${cursor}` : ""}`,
    );
    all.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return all;
}

const server = await startConversa(8973, { dataRoot: DATA_DIR });
const targets = [];
try {
  const origin = server.base;
  const { cookie, call } = await signInAsDemoAdmin(origin);
  const me = await call("GET", "/api/v1/me");
  const automation = await call("POST", "/api/v1/automations", {
    name: "Price enquiries",
    trigger: { type: "message.received", keywords: [KEYWORD] },
    frequency: { type: "limit", count: RUNS_PER_CONTACT, period_hours: 24 },
    steps: [
      { id: "tag", type: "add_tag", tag: "lead" },
      { id: "reply", type: "send_message", text: "Our plans start at 10 € a month." },
      { id: "assign", type: "assign", user_id: me.user.id },
    ],
  });
  await call("POST", `/api/v1/automations/${automation.id}/activate`);
  for (let i = 0; i < CONTACTS; i++)
    targets.push(await openConversation(origin, server.channelId, cookie));

  const started = performance.now();
  const sends = [];
  for (let n = 0; n < EVENTS; n++) {
    const wait = started + (n * 1000) / RATE_PER_SECOND - performance.now();
    if (wait > 0) await sleep(wait);
    const target = targets[n % targets.length];
    target.sentAt.push(performance.now());
    sends.push(
      postVisitorMessage(origin, target.token, `¿Cuál es el ${KEYWORD}? #${n}`, target.id).catch(
        () => {},
      ),
    );
  }
  await Promise.all(sends);

  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  let stats = await call("GET", `/api/v1/automations/${automation.id}/stats`);
  while ((stats.triggered < EVENTS || stats.running > 0) && performance.now() < deadline) {
    await sleep(500);
    stats = await call("GET", `/api/v1/automations/${automation.id}/stats`);
  }
  // replies still on their way to the sockets
  await sleep(1000);
  const logged = await runLog(call, automation.id);
  const runs = logged.filter((r) => r.status !== "limited");
  const replies = targets.reduce((sum, t) => sum + t.replies.size, 0);
  // steps done twice: a second run for one message, or a reply the run log does not count
  const perMessage = countBy(logged, (r) => r.trigger.message_text);
  const secondRuns = [...perMessage.values()].reduce((sum, n) => sum + n - 1, 0);
  const duplicates = secondRuns + Math.max(0, replies - stats.messages_sent);
  // a message that started no run and was not held by the limit, or a run that never finished
  const missed = EVENTS - perMessage.size + runs.filter((r) => r.status !== "completed").length;
  const p99 = percentile(
    [...latencies].sort((a, b) => a - b),
    99,
  );
  console.log(
    `automations: events=${EVENTS} runs=${runs.length} steps_p99_ms=${Number.isFinite(p99) ? Math.round(p99) : "NaN"} duplicates=${duplicates} missed=${missed}`,
  );
} finally {
  for (const target of targets) target.socket.close();
  try {
    server.stop();
  } catch {
    // its data directory was still being written to as it stopped: once more, when it is gone
    await sleep(1000);
    server.stop();
  }
}
process.exit(0);
