// Gives a freshly seeded demo workspace a lived-in inbox: visitors write on the web chat through
// the widget API, and the demo admin answers, labels, notes and closes some, as an agent would.
import { DEMO_LOGIN } from "./seed.mjs";

const THREADS = [
  {
    visitor: { name: "Lucía Fernández", email: "lucia@example.com" },
    lines: [
      ["visitor", "Hi! I was charged twice for my March invoice."],
      ["agent", "Sorry about that, Lucía. Let me look at your account."],
      ["note", "Stripe shows two captures on 3 March; refund the second."],
      ["agent", "I found the duplicate charge and refunded it. It shows in 3–5 days."],
      ["visitor", "Perfect, thank you so much!"],
    ],
    labels: ["billing"],
    assign: true,
  },
  {
    visitor: { name: "Chloé Martin", email: "chloe@example.com" },
    lines: [["visitor", "Bonjour, do you ship to Lyon? And how long does it take?"]],
    labels: ["sales"],
  },
  {
    visitor: { name: "Deniz Yılmaz" },
    lines: [
      ["visitor", "The export button does nothing in Safari."],
      ["agent", "Thanks for telling us, Deniz. Which Safari version are you on?"],
      ["visitor", "17.4 on a MacBook Air"],
    ],
    labels: ["bug"],
    assign: true,
  },
  {
    visitor: { name: "Omar Haddad", email: "omar@example.com" },
    lines: [
      ["visitor", "Can I change the plan from monthly to yearly?"],
      ["agent", "Yes! Settings → Billing → Change plan. You keep the days you paid for."],
      ["visitor", "Done, thanks."],
    ],
    close: "Resolved",
  },
  {
    visitor: { name: "Ana Souza" },
    lines: [["visitor", "Olá! Vocês têm atendimento em português?"]],
  },
];

async function call(base, path, { cookie, token, method = "POST", body } = {}) {
  const headers = { "content-type": "application/json", origin: base };
  if (cookie) headers.cookie = cookie;
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return { response, body: response.status === 204 ? null : await response.json() };
}

async function signIn(base) {
  const { response, body } = await call(base, "/api/v1/auth/login", { body: DEMO_LOGIN });
  return { cookie: response.headers.get("set-cookie")?.split(";")[0], me: body };
}

async function playThread(base, channelId, agent, thread) {
  const session = (
    await call(base, "/widget/v1/sessions", { body: { channel_id: channelId, ...thread.visitor } })
  ).body;
  let conversationId = null;
  for (const [who, text] of thread.lines) {
    if (who === "visitor") {
      const sent = await call(base, "/widget/v1/messages", {
        token: session.token,
        body: { text, ...(conversationId ? { conversation_id: conversationId } : {}) },
      });
      conversationId = sent.body.conversation_id;
    } else {
      await call(base, `/api/v1/conversations/${conversationId}/messages`, {
        cookie: agent.cookie,
        body: { text, private: who === "note" },
      });
    }
  }
  if (thread.assign)
    await call(base, `/api/v1/conversations/${conversationId}/assign`, {
      cookie: agent.cookie,
      body: { user_id: agent.userId },
    });
  if (thread.labels)
    await call(base, `/api/v1/conversations/${conversationId}/labels`, {
      cookie: agent.cookie,
      body: { labels: thread.labels },
    });
  if (thread.close)
    await call(base, `/api/v1/conversations/${conversationId}/status`, {
      cookie: agent.cookie,
      body: { status: "closed", reason: thread.close },
    });
}

/** Plays the demo threads on the seeded web chat; returns how many conversations it made. */
export async function seedDemoConversations(base, channelId) {
  const { cookie } = await signIn(base);
  const me = (await call(base, "/api/v1/me", { cookie, method: "GET" })).body;
  const agent = { cookie, userId: me.user.id };
  for (const thread of THREADS) await playThread(base, channelId, agent, thread);
  return THREADS.length;
}
