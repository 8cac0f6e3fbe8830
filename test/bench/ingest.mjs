// `npm run bench`: latency from a visitor's message POST to the frame on a connected agent's
// socket, with 200 conversations under steady load, next to a bare Durable Object echo (the floor).
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startConversa, startWorker } from "../../scripts/local-server.mjs";
import { DEMO_LOGIN } from "../../scripts/seed.mjs";

const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 200);
const RATE_PER_SECOND = Number(process.env.BENCH_RATE ?? 100);
const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
/** Turns each system takes under load, DURATION_SECONDS in all. */
const SEGMENTS = Number(process.env.BENCH_SEGMENTS ?? 10);
const WARM_UP_SECONDS = 2;
const FRAME_TIMEOUT_MS = 10_000;
/**
 * Where both systems keep their throwaway local data: in memory when the machine has it, so
 * that what is timed is the code path and not the fsyncs of a shared virtual disk.
 */
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

/**
 * A system under test: its targets (each with a socket whose frames carry a label and a
 * per-target sequence number) and `send(target, label, n)`. Frames are matched by label.
 */
function measured(targets, send, stop) {
  const system = { targets, send, stop, pending: new Map(), latencies: [], outOfOrder: 0 };
  for (const target of targets) {
    let lastSeq = 0;
    target.socket.onmessage = (event) => {
      const frame = JSON.parse(String(event.data));
      const label = frame.message?.text ?? frame.label;
      const seq = frame.message?.seq ?? frame.n;
      if (typeof seq === "number") {
        if (seq <= lastSeq) system.outOfOrder++;
        lastSeq = seq;
      }
      const sentAt = system.pending.get(label);
      if (sentAt !== undefined) {
        system.latencies.push(performance.now() - sentAt);
        system.pending.delete(label);
      }
    };
  }
  return system;
}

let sent = 0;

/** RATE_PER_SECOND messages a second for `seconds`, round-robin over the system's targets. */
async function steadyLoad(system, seconds) {
  const total = RATE_PER_SECOND * seconds;
  const started = performance.now();
  const inFlight = [];
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1000) / RATE_PER_SECOND;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const target = system.targets[sent % system.targets.length];
    target.sent = (target.sent ?? 0) + 1;
    const label = `bench ${sent++}`;
    system.pending.set(label, performance.now());
    inFlight.push(system.send(target, label, target.sent).catch(() => {}));
  }
  await Promise.all(inFlight);
  const deadline = performance.now() + FRAME_TIMEOUT_MS;
  while (system.pending.size > 0 && performance.now() < deadline) await sleep(50);
}

/**
 * Both systems run side by side and take short turns under load, SEGMENTS turns each, so
 * whatever else the machine is doing weighs on both alike. Turns are short enough that neither
 * system's objects are evicted while the other one runs.
 */
async function alternate(systems) {
  const seconds = DURATION_SECONDS / SEGMENTS;
  // a warm-up turn each, not timed: freshly started objects and code are not steady state
  for (const system of systems) {
    await steadyLoad(system, WARM_UP_SECONDS);
    system.latencies.length = 0;
  }
  for (let turn = 0; turn < SEGMENTS; turn++) {
    // ABBA order: neither system always goes first
    const order = turn % 2 === 0 ? systems : [...systems].reverse();
    for (const system of order) await steadyLoad(system, seconds);
  }
  return systems.map((system) => {
    const sorted = [...system.latencies].sort((a, b) => a - b);
    return {
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      lost: system.pending.size,
      outOfOrder: system.outOfOrder,
    };
  });
}

/** Conversa with CONVERSATIONS web-chat conversations, an agent's socket open on each. */
async function startConversaSystem(port) {
  const server = await startConversa(port, { dataRoot: DATA_DIR });
  const origin = server.base;
  try {
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
          body: JSON.stringify({ channel_id: server.channelId }),
        })
      ).json();
      const first = await postVisitorMessage(origin, session.token, "opening");
      const socket = await openSocket(
        `${origin.replace("http", "ws")}/api/v1/conversations/${first.conversation_id}/ws?after_seq=1`,
        { cookie, origin },
      );
      targets.push({ token: session.token, conversationId: first.conversation_id, socket });
    }
    return measured(
      targets,
      (target, label) => postVisitorMessage(origin, target.token, label, target.conversationId),
      () => server.stop(),
    );
  } catch (error) {
    server.stop();
    throw error;
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

/** The floor: the echo worker with CONVERSATIONS rooms, a socket open on each. */
async function startFloorSystem(port) {
  const persist = mkdtempSync(join(DATA_DIR, "conversa-echo-"));
  const server = await startWorker(
    ["-c", "test/bench/wrangler.echo.toml", "--persist-to", persist],
    port,
  );
  const stop = () => {
    server.stop();
    rmSync(persist, { recursive: true, force: true });
  };
  try {
    const targets = [];
    for (let i = 0; i < CONVERSATIONS; i++) {
      const room = `room-${i}`;
      targets.push({
        room,
        socket: await openSocket(`${server.base.replace("http", "ws")}/echo/${room}`, {}),
      });
    }
    return measured(
      targets,
      (target, label, n) =>
        fetch(`${server.base}/echo/${target.room}`, {
          method: "POST",
          body: JSON.stringify({ label, n }),
        }),
      stop,
    );
  } catch (error) {
    stop();
    throw error;
  }
}

const round = (ms) => (Number.isFinite(ms) ? ms.toFixed(1) : "NaN");

const systems = [await startFloorSystem(8911)];
try {
  systems.push(await startConversaSystem(8912));
  const [floor, ingest] = await alternate(systems);
  console.log(
    `conversations=${CONVERSATIONS} rate_per_s=${RATE_PER_SECOND} seconds=${DURATION_SECONDS} segments=${SEGMENTS} data_dir=${DATA_DIR} floor_lost=${floor.lost} floor_out_of_order=${floor.outOfOrder}`,
  );
  console.log(
    `ingest: p50_ms=${round(ingest.p50)} p99_ms=${round(ingest.p99)} floor_p50_ms=${round(floor.p50)} floor_p99_ms=${round(floor.p99)} lost=${ingest.lost} out_of_order=${ingest.outOfOrder}`,
  );
} finally {
  for (const system of systems) {
    for (const t of system.targets) t.socket.close();
    system.stop();
  }
}
process.exit(0);
