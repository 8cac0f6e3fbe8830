// `npm run demo:whatsapp -- "text"`: a customer writes to the local demo WhatsApp number. The fake
// platform signs the webhook as Meta would and posts it to the running `npm run dev`.
import { DEMO_LOGIN, DEMO_WHATSAPP } from "./seed.mjs";

const base = process.env.CONVERSA_URL ?? "http://127.0.0.1:8787";
const fake = process.env.FAKE_PLATFORMS_URL ?? "http://127.0.0.1:8790";
const text = process.argv.slice(2).join(" ") || "Hello from WhatsApp!";
const waId = process.env.DEMO_WA_ID ?? "15551230001";

const login = await fetch(`${base}/api/v1/auth/login`, {
  method: "POST",
  headers: { "content-type": "application/json", origin: base },
  body: JSON.stringify(DEMO_LOGIN),
});
const cookie = login.headers.get("set-cookie")?.split(";")[0];
if (!cookie) throw new Error(`login failed (${login.status}); is \`npm run dev\` running?`);
const { data } = await (await fetch(`${base}/api/v1/channels`, { headers: { cookie } })).json();
const channel = data.find((c) => c.type === "whatsapp");
if (!channel) throw new Error("no WhatsApp channel: the demo seeds one into an empty database");

const payload = {
  object: "whatsapp_business_account",
  entry: [
    {
      id: DEMO_WHATSAPP.waba_id,
      changes: [
        {
          field: "messages",
          value: {
            messaging_product: "whatsapp",
            metadata: {
              display_phone_number: "15550001111",
              phone_number_id: DEMO_WHATSAPP.phone_number_id,
            },
            contacts: [{ profile: { name: "Demo Customer" }, wa_id: waId }],
            messages: [
              {
                from: waId,
                id: `wamid.DEMO${Date.now()}`,
                timestamp: String(Math.floor(Date.now() / 1000)),
                type: "text",
                text: { body: text },
              },
            ],
          },
        },
      ],
    },
  ],
};
const delivered = await fetch(`${fake}/__fake/deliver`, {
  method: "POST",
  body: JSON.stringify({
    platform: "meta",
    url: channel.webhook_url,
    secret: DEMO_WHATSAPP.app_secret,
    payload,
  }),
});
const result = await delivered.json();
console.log(`WhatsApp webhook → ${channel.webhook_url}: HTTP ${result.status}`);
console.log(`Open ${base}/ to answer; replies show up at ${fake}/__fake/requests`);
