// `npm run bench`: latency from a visitor's message POST to the frame on a connected agent's
// socket, with 200 conversations under steady load, next to a bare Durable Object echo (the floor).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startConversa, startWorker } from "../../scripts/local-server.mjs";
import { DEMO_LOGIN } from "../../scripts/seed.mjs";

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 200);
const RATE_PER_SECOND = Number(process.env.BENCH_RATE ?? 100);
const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const FRAME_TIMEOUT_MS = 10_000;
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

/**
 * Sends RATE_PER_SECOND messages a second for DURATION_SECONDS, round-robin over the targets,
 * and measures send → frame. `send(target, label)` posts; frames are matched by label.
 */
async function steadyLoad(targets, send) {
  const pending = new Map();
  const latencies = [];
  let outOfOrder = 0;
  for (const target of targets) {
    let lastSeq = 0;
    target.socket.onmessage = (event) => {
      const frame = JSON.parse(String(event.data));
      const label = frame.message?.text ?? frame.label;
      if (frame.message) {
        if (frame.message.seq <= lastSeq) outOfOrder++;
        lastSeq = frame.message.seq;
      } else if (typeof frame.n === "number") {
        if (frame.n <= lastSeq) outOfOrder++;
        lastSeq = frame.n;
      }
      const sentAt = pending.get(label);
      if (sentAt !== undefined) {
        latencies.push(performance.now() - sentAt);
        pending.delete(label);
      }
    };
  }
  const total = RATE_PER_SECOND * DURATION_SECONDS;
  const started = performance.now();
  const inFlight = [];
  const perTarget = new Map();
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / RATE_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const target = targets[n % targets.length];
    const k = (perTarget.get(target) ?? 0) + 1;
    perTarget.set(target, k);
    const label = `bench ${n}`;
    pending.set(label, performance.now());
    inFlight.push(send(target, label, k).catch(() => {}));
  }
  await Promise.all(inFlight);
  const deadline = performance.now() + FRAME_TIMEOUT_MS;
  while (pending.size > 0 && performance.now() < deadline) await sleep(50);
  latencies.sort((a, b) => a - b);
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    lost: pending.size,
    outOfOrder,
  };
}

async function benchConversa(port) {
  const server = await startConversa(port);
  const { channelId } = server;
  try {
    const origin = server.base;
    const login = await fetch(`${origin}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
      body: JSON.stringify(DEMO_LOGIN),
    });
    const cookie = login.headers.get("set-cookie")?.split(";")[0];
    if (!cookie) throw new Error(`login failed: ${login.status}`);
    const targets = [];
    for (let i = 0; i < CONVERSATIONS; i++) {
      const session = await (
        await fetch(`${origin}/widget/v1/sessions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ channel_id: channelId }),
        })
      ).json();
      const first = await postVisitorMessage(origin, session.token, "opening");
      const socket = await openSocket(
        `${origin.replace("http", "ws")}/api/v1/conversations/${first.conversation_id}/ws?after_seq=1`,
        { cookie, origin },
      );
      targets.push({ token: session.token, conversationId: first.conversation_id, socket });
    }
    const result = await steadyLoad(targets, (target, label) =>
      postVisitorMessage(origin, target.token, label, target.conversationId),
    );
    for (const t of targets) t.socket.close();
    return result;
  } finally {
    server.stop();
  }
}

/** As the widget does: naming its conversation lets the message go straight to its object. */
async function postVisitorMessage(origin, token, text, conversationId) {
  const response = await fetch(`${origin}/widget/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ text, conversation_id: conversationId }),
  });
  if (response.status !== 201) throw new Error(`send failed: ${response.status}`);
  return response.json();
}

async function benchFloor(port) {
  const persist = mkdtempSync(join(tmpdir(), "conversa-echo-"));
  const server = await startWorker(
    ["-c", "test/bench/wrangler.echo.jsonc", "--persist-to", persist],
    port,
  );
  try {
    const targets = [];
    for (let i = 0; i < CONVERSATIONS; i++) {
      const room = `room-${i}`;
      targets.push({
        room,
        socket: await openSocket(`${server.base.replace("http", "ws")}/echo/${room}`, {}),
      });
    }
    const result = await steadyLoad(targets, (target, label, n) =>
      fetch(`${server.base}/echo/${target.room}`, {
        method: "POST",
        body: JSON.stringify({ label, n }),
      }),
    );
    for (const t of targets) t.socket.close();
    return result;
  } finally {
    server.stop();
    rmSync(persist, { recursive: true, force: true });
  }
}

const round = (ms) => (Number.isFinite(ms) ? ms.toFixed(1) : "NaN");

const floor = await benchFloor(8911);
const ingest = await benchConversa(8912);
console.log(
  `conversations=${CONVERSATIONS} rate_per_s=${RATE_PER_SECOND} seconds=${DURATION_SECONDS} floor_lost=${floor.lost}`,
);
console.log(
  `ingest: p50_ms=${round(ingest.p50)} p99_ms=${round(ingest.p99)} floor_p50_ms=${round(floor.p50)} floor_p99_ms=${round(floor.p99)} lost=${ingest.lost} out_of_order=${ingest.outOfOrder}`,
);
process.exit(0);
