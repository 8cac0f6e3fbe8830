// A local stand-in for the platforms Conversa talks to (Meta Graph, Telegram Bot API, Twilio,
// email providers, a custom endpoint, an OpenAI-compatible API under `/openai/v1/` — see
// openai.mjs) and for the DNS-over-HTTPS resolver that checks where
// user-chosen URLs point. It answers the real requests in the real wire format, records them,
// can be scripted to fail, and can post signed webhooks back to Conversa. Requests under
// `/unreachable/` have their connection dropped (a network failure). Used by the test suite and
// by `npm run dev` when no real credentials are set.
import { createHmac, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { openaiAnswer } from "./openai.mjs";

const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

const readBody = (req) =>
  new Promise((resolve) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
  });

const parseJson = (body) => JSON.parse(body || "{}");
const noDashes = () => randomUUID().replaceAll("-", "");

/** Default answers, in each platform's format: [method, path pattern, (match, body, base) => [status, body, headers?]]. */
const ROUTES = [
  // a push service (RFC 8030): `/{push service host}/push/{subscription}` takes a message
  [
    "POST",
    /^\/[^/]+\/push\/([\w-]+)$/,
    (m) => [201, "", { location: `/message/${m[1]}-${noDashes()}` }],
  ],
  [
    "POST",
    /^\/v\d+\.\d+\/(\d+)\/messages$/,
    (_m, body) => {
      const sent = parseJson(body);
      if (sent.messaging_product !== "whatsapp")
        return [200, { recipient_id: sent.recipient?.id, message_id: `m_FAKE${randomUUID()}` }];
      return [
        200,
        {
          messaging_product: "whatsapp",
          contacts: [{ input: sent.to, wa_id: String(sent.to).replace(/^\+/, "") }],
          messages: [{ id: `wamid.FAKE${noDashes()}` }],
        },
      ];
    },
  ],
  [
    "POST",
    /^\/v\d+\.\d+\/(\d+)\/message_templates$/,
    () => [200, { id: String(Date.now()), status: "PENDING", category: "UTILITY" }],
  ],
  [
    "GET",
    /^\/v\d+\.\d+\/(\d+)\/message_templates$/,
    () => [200, { data: state.templates, paging: { cursors: {} } }],
  ],
  [
    "GET",
    /^\/v\d+\.\d+\/([\w.-]+)$/,
    (m, _body, base) => [
      200,
      { id: m[1], url: `${base}/media/${m[1]}`, mime_type: "image/jpeg", sha256: "0" },
    ],
  ],
  [
    "GET",
    /^\/(?:media|file\/bot[^/]+)\/(.+)$/,
    (m) => [200, Buffer.from(`fake media ${m[1]}`), { "content-type": "image/jpeg" }],
  ],
  [
    "POST",
    /^\/bot[^/]+\/sendMessage$/,
    (_m, body) => {
      const sent = parseJson(body);
      state.telegramMessageId += 1;
      const chat = { id: Number(sent.chat_id), type: "private" };
      const date = Math.floor(Date.now() / 1000);
      return [
        200,
        { ok: true, result: { message_id: state.telegramMessageId, chat, date, text: sent.text } },
      ];
    },
  ],
  [
    "POST",
    /^\/bot(\d+):[^/]+\/getMe$/,
    (m) => [
      200,
      {
        ok: true,
        result: { id: Number(m[1]), is_bot: true, first_name: "Fake bot", username: "fake_bot" },
      },
    ],
  ],
  [
    "POST",
    /^\/bot[^/]+\/getFile$/,
    (_m, body) => {
      const { file_id } = parseJson(body);
      return [200, { ok: true, result: { file_id, file_path: `photos/${file_id}.jpg` } }];
    },
  ],
  [
    "POST",
    /^\/2010-04-01\/Accounts\/(\w+)\/Messages\.json$/,
    (m, body) => {
      const form = new URLSearchParams(body);
      return [
        201,
        {
          sid: `SM${noDashes()}`,
          account_sid: m[1],
          to: form.get("To"),
          from: form.get("From"),
          body: form.get("Body"),
          status: "queued",
        },
      ];
    },
  ],
  [
    "GET",
    /^\/2010-04-01\/Accounts\/(\w+)\.json$/,
    (m) => [200, { sid: m[1], friendly_name: "Fake account", status: "active" }],
  ],
  [
    "GET",
    /^\/2010-04-01\/Accounts\/\w+\/Messages\/\w+\/Media\/(\w+)$/,
    (m) => [200, Buffer.from(`fake twilio media ${m[1]}`), { "content-type": "image/jpeg" }],
  ],
  ["POST", /^\/emails$/, () => [200, { id: randomUUID() }]],
  [
    "POST",
    /^\/email$/,
    () => [
      200,
      {
        To: "",
        SubmittedAt: new Date().toISOString(),
        MessageID: randomUUID(),
        ErrorCode: 0,
        Message: "OK",
      },
    ],
  ],
  ["POST", /^\/v3\/mail\/send$/, () => [202, "", { "x-message-id": noDashes() }]],
  ["POST", /^\/custom\//, () => [200, { id: `ext_${randomUUID()}` }]],
  [
    "POST",
    /^\/bot[^/]+\/getChat$/,
    (_m, body) => {
      const { chat_id } = parseJson(body);
      return String(chat_id).startsWith("404")
        ? [400, { ok: false, error_code: 400, description: "Bad Request: chat not found" }]
        : [200, { ok: true, result: { id: Number(chat_id), type: "private" } }];
    },
  ],
  [
    "GET",
    /^\/v2\/PhoneNumbers\/(.+)$/,
    (m) => {
      const phone = decodeURIComponent(m[1]);
      // numbers ending in 0000 are "not valid" for the fake Lookup
      return [200, { phone_number: phone, valid: !phone.endsWith("0000"), country_code: "US" }];
    },
  ],
  // a webhook receiver for Conversa's own outbound webhooks
  ["POST", /^\/hooks\//, () => [200, { received: true }]],
];

const DNS_TYPES = { A: 1, AAAA: 28 };
const NXDOMAIN = 3;

/**
 * `GET /dns-query?name=…&type=A|AAAA` with `accept: application/dns-json`, answered as
 * cloudflare-dns.com does from the records set with `PUT /__fake/dns`; other names do not exist.
 */
function dnsAnswer(url, accept) {
  if (!String(accept).includes("application/dns-json"))
    return [400, { error: "send accept: application/dns-json" }];
  const name = String(url.searchParams.get("name") ?? "")
    .toLowerCase()
    .replace(/\.$/, "");
  const typeParam = String(url.searchParams.get("type") ?? "A").toUpperCase();
  const type = DNS_TYPES[typeParam] ?? Number(typeParam);
  const zone = state.dns.get(name);
  const question = [{ name, type }];
  const flags = { TC: false, RD: true, RA: true, AD: false, CD: false };
  const headers = { "content-type": "application/dns-json" };
  if (!zone || zone.status === NXDOMAIN)
    return [200, { Status: NXDOMAIN, ...flags, Question: question }, headers];
  const kind = Object.keys(DNS_TYPES).find((k) => DNS_TYPES[k] === type);
  const records = (zone[kind] ?? []).map((data) => ({ name, type, TTL: zone.ttl ?? 300, data }));
  return [
    200,
    {
      Status: zone.status ?? 0,
      ...flags,
      Question: question,
      ...(records.length ? { Answer: records } : {}),
    },
    headers,
  ];
}

/** An HTTP endpoint that answers with what it was sent: `/echo/…`, any method, JSON back. */
function echo(method, path, body, headers) {
  let parsed = null;
  try {
    parsed = body ? JSON.parse(body) : null;
  } catch {
    parsed = body;
  }
  return [
    200,
    {
      method,
      path,
      content_type: headers["content-type"] ?? null,
      authorization: headers.authorization ?? null,
      received: parsed,
    },
  ];
}

function defaultAnswer(method, path, body, base, headers = {}) {
  if (path.startsWith("/echo/")) return echo(method, path, body, headers);
  const openai = openaiAnswer(method, path, body, headers);
  if (openai) return openai;
  for (const [routeMethod, pattern, answer] of ROUTES) {
    const match = method === routeMethod ? path.match(pattern) : null;
    if (match) return answer(match, body, base);
  }
  return [404, { error: { message: `fake platforms: no route for ${method} ${path}` } }];
}

/** Signs a webhook the way the platform would and posts it to Conversa. */
async function deliver({ platform, url, secret, payload }) {
  const headers = {};
  let body;
  if (platform === "meta" || platform === "custom") {
    // Meta signs the body with non-ASCII escaped as \uXXXX
    body = JSON.stringify(payload).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    const signature = createHmac("sha256", secret).update(body).digest("hex");
    headers["content-type"] = "application/json";
    headers[platform === "meta" ? "x-hub-signature-256" : "x-conversa-signature"] =
      `sha256=${signature}`;
  } else if (platform === "telegram") {
    body = JSON.stringify(payload);
    headers["content-type"] = "application/json";
    headers["x-telegram-bot-api-secret-token"] = secret;
  } else if (platform === "twilio") {
    const params = Object.entries(payload).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const data = url + params.map(([k, v]) => k + v).join("");
    headers["content-type"] = "application/x-www-form-urlencoded";
    headers["x-twilio-signature"] = createHmac("sha1", secret).update(data).digest("base64");
    body = new URLSearchParams(params).toString();
  } else {
    throw new Error(`unknown platform ${platform}`);
  }
  const response = await fetch(url, { method: "POST", headers, body });
  return { status: response.status, body: await response.text() };
}

const state = {
  requests: [],
  scripts: [],
  /** [{path, rate, status, body}]: that share of matching requests, at random, gets this answer */
  flaky: [],
  templates: [],
  telegramMessageId: 100,
  /** name → {A?: [addresses], AAAA?: [addresses], ttl?, status?} */
  dns: new Map(),
};

/** Starts the fake on 127.0.0.1 (port 0 = any free one). */
export function startFakePlatforms(port = 0) {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const bytes = await readBody(req);
    const body = bytes.toString("utf8");
    const base = `http://127.0.0.1:${server.address().port}`;
    if (url.pathname.startsWith("/__fake/")) return control(req.method, url, body, res);
    if (url.pathname.startsWith("/unreachable/")) return req.socket.destroy();
    const recorded = {
      method: req.method,
      path: url.pathname,
      query: url.search,
      headers: req.headers,
      body,
      // an encrypted web push body is binary: kept as base64 for the test to decrypt
      ...(req.headers["content-encoding"] === "aes128gcm"
        ? { body_base64: bytes.toString("base64") }
        : {}),
      at: Date.now(),
      response: null,
    };
    state.requests.push(recorded);
    const index = state.scripts.findIndex(
      (s) => (!s.method || s.method === req.method) && url.pathname.includes(s.path),
    );
    const script = index >= 0 ? state.scripts[index] : null;
    if (script && --script.times <= 0) state.scripts.splice(index, 1);
    if (script?.delay_ms) await sleep(script.delay_ms);
    if (script?.status !== undefined) {
      recorded.response = { status: script.status, body: script.body ?? script.text };
      if (typeof script.text === "string") {
        res.writeHead(script.status, { "content-type": "text/plain", ...script.headers });
        // `hold_open`: the answer starts and then stalls, until the caller gives up
        return script.hold_open ? res.write(script.text) : res.end(script.text);
      }
      return json(res, script.status, script.body, script.headers);
    }
    const flaky = state.flaky.find((f) => url.pathname.includes(f.path));
    if (flaky && Math.random() < flaky.rate) {
      recorded.response = { status: flaky.status, body: flaky.body };
      return json(res, flaky.status, flaky.body);
    }
    const [status, answer, headers] =
      url.pathname === "/dns-query" && req.method === "GET"
        ? dnsAnswer(url, req.headers.accept)
        : defaultAnswer(req.method, url.pathname, body, base, req.headers);
    recorded.response = { status, body: Buffer.isBuffer(answer) ? null : answer };
    if (Buffer.isBuffer(answer) || typeof answer === "string") {
      res.writeHead(status, headers ?? {});
      return res.end(answer);
    }
    return json(res, status, answer, headers);
  });

  async function control(method, url, body, res) {
    const what = url.pathname.slice("/__fake/".length);
    if (what === "requests" && method === "GET") {
      const prefix = url.searchParams.get("path") ?? "";
      return json(
        res,
        200,
        state.requests.filter((r) => r.path.includes(prefix)),
      );
    }
    if (what === "requests" && method === "DELETE") {
      state.requests = [];
      return json(res, 200, {});
    }
    // {path, method?, status, body | text, headers?, times?, delay_ms?, hold_open?}: the next
    // matching request gets this answer (`text` is sent as it is, `body` as JSON) after
    // `delay_ms`; without a status, the usual answer comes after the delay (a slow or hanging
    // platform); with `hold_open`, `text` is sent and the answer never ends (a stalled stream)
    if (what === "script" && method === "POST") {
      state.scripts.push({ times: 1, ...JSON.parse(body) });
      return json(res, 200, {});
    }
    // [{path, rate, status, body}]: requests whose path has `path` fail at random at `rate`
    if (what === "flaky" && method === "PUT") {
      state.flaky = JSON.parse(body);
      return json(res, 200, {});
    }
    // {name, A?, AAAA?, ttl?, status?}: what the DNS-over-HTTPS endpoint answers for the name
    if (what === "dns" && method === "PUT") {
      const zone = JSON.parse(body);
      state.dns.set(String(zone.name).toLowerCase().replace(/\.$/, ""), zone);
      return json(res, 200, {});
    }
    if (what === "templates" && method === "PUT") {
      state.templates = JSON.parse(body);
      return json(res, 200, {});
    }
    if (what === "deliver" && method === "POST")
      return json(res, 200, await deliver(JSON.parse(body)));
    return json(res, 404, { error: "unknown control" });
  }

  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      server.unref();
      resolve({
        url: `http://127.0.0.1:${server.address().port}`,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const fake = await startFakePlatforms(Number(process.env.FAKE_PLATFORMS_PORT ?? 8790));
  console.log(`fake platforms on ${fake.url}`);
  setInterval(() => {}, 1 << 30);
}
