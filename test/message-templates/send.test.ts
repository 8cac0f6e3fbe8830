import { describe, expect, it } from "vitest";
import { refusedPaths } from "../automations/helpers";
import {
  addContacts,
  setup as broadcastSetup,
  finished,
  newBroadcast,
} from "../broadcasts/helpers";
import {
  eventually,
  fakeRequests,
  fakeUrl,
  messagesOf,
  newChannel,
  uniqueDigits,
} from "../channel-helpers";
import { api, expectProblem, json } from "../helpers";
import { createTemplate, emailTemplate, newContact, setup, type TemplateDto } from "./helpers";

type Preview = {
  contact_id: string | null;
  body: string;
  subject: string | null;
  html: string | null;
  missing: string[];
};

const preview = (cookie: string, id: string, body: Record<string, unknown> = {}) =>
  api(`/api/v1/message-templates/${id}/preview`, { cookie, body });

const testSend = (cookie: string, id: string, body: Record<string, unknown>) =>
  api(`/api/v1/message-templates/${id}/test-send`, { cookie, body });

async function emailChannel(cookie: string) {
  return newChannel(cookie, "email", {
    inbound_address: `support-${uniqueDigits(8)}@acme.test`,
    provider: "resend",
    api_key: "re_test_key",
    from_accounts: [{ area: "all", from: "Acme Billing <billing@acme.test>" }],
    api_base_url: fakeUrl(),
  });
}

describe("previews", () => {
  it("fills every part for the workspace's first contact, or the one asked for", async () => {
    const { cookie } = await setup();
    const template = await createTemplate(cookie, emailTemplate());
    const empty = await json<Preview>(await preview(cookie, template.id));
    expect(empty).toMatchObject({
      contact_id: null,
      subject: "Your invoice, ",
      body: "Hi , your invoice is ready.",
      missing: ["contact.first_name"],
    });

    const ana = await newContact(cookie, { name: "Ana Lima", email: "ana@example.com" });
    const bruno = await newContact(cookie, { name: "Bruno <b>Díaz</b>" });
    expect(await json<Preview>(await preview(cookie, template.id))).toEqual({
      contact_id: ana.id,
      subject: "Your invoice, Ana",
      body: "Hi Ana, your invoice is ready.",
      html: "<p>Hi <b>Ana</b>, your invoice is ready.</p>",
      title: null,
      url: null,
      missing: [],
    });
    expect(
      await json<Preview>(await preview(cookie, template.id, { contact_id: bruno.id })),
    ).toMatchObject({
      contact_id: bruno.id,
      subject: "Your invoice, Bruno",
      html: "<p>Hi <b>Bruno</b>, your invoice is ready.</p>",
    });
  });

  it("escapes values in the HTML and never lets a filled default make new markup", async () => {
    const { cookie } = await setup();
    const contact = await newContact(cookie, { name: '<img src=x onerror="alert(1)">' });
    const template = await createTemplate(
      cookie,
      emailTemplate({
        html: '<p title="{{contact.email|"></p><p>}}" onmouseover=alert(1) x="">%name%</p>',
      }),
    );
    const filled = await json<Preview>(
      await preview(cookie, template.id, { contact_id: contact.id }),
    );
    // the default closed the attribute and the paragraph; sanitised again, the rest is only text
    expect(filled.html).toBe(
      '<p title=""></p><p>" onmouseover=alert(1) x="">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>',
    );
  });

  it("refuses unknown contacts and templates", async () => {
    const { cookie } = await setup();
    const other = await setup();
    const template = await createTemplate(cookie, emailTemplate());
    const stranger = await newContact(other.cookie, { name: "Stranger" });
    expect(
      await refusedPaths(await preview(cookie, template.id, { contact_id: stranger.id })),
    ).toEqual(["contact_id"]);
    await expectProblem(await preview(other.cookie, template.id), 404);
  });
});

describe("test sends", () => {
  it("sends an email template with its HTML through the normal send path to the provider", async () => {
    const { cookie } = await setup();
    const channel = await emailChannel(cookie);
    const address = `ana-${uniqueDigits(8)}@example.com`;
    const contact = await newContact(cookie, { name: "Ana Lima", email: address });
    const template = await createTemplate(cookie, emailTemplate());

    const response = await testSend(cookie, template.id, {
      channel_id: channel.id,
      contact_id: contact.id,
    });
    expect(response.status).toBe(202);
    const sent = await json<{ conversation_id: string; message_id: string }>(response);

    const request = await eventually(
      async () => (await fakeRequests("/emails")).find((r) => r.body.includes(address)),
      "the email at the provider",
    );
    expect(JSON.parse(request.body)).toMatchObject({
      from: "Acme Billing <billing@acme.test>",
      to: [address],
      subject: "Your invoice, Ana",
      text: "Hi Ana, your invoice is ready.",
      html: "<p>Hi <b>Ana</b>, your invoice is ready.</p>",
    });
    const messages = await messagesOf(
      { ws: { ownerCookie: cookie }, channel },
      sent.conversation_id,
    );
    expect(messages.find((m) => m.id === sent.message_id)).toMatchObject({
      text: "Hi Ana, your invoice is ready.",
    });
    const history = await json<{ data: { sender: { type: string } }[] }>(
      await api(`/api/v1/outbound-messages?contact_id=${contact.id}`, { cookie }),
    );
    expect(history.data.map((m) => m.sender.type)).toEqual(["test"]);
  });

  it("refuses a channel of another kind, unknown ids and opted-out contacts, and sends nothing", async () => {
    const { cookie } = await setup();
    const channel = await emailChannel(cookie);
    const address = `bruno-${uniqueDigits(8)}@example.com`;
    const contact = await newContact(cookie, { name: "Bruno", email: address });
    const sms = await createTemplate(cookie, {
      name: "Reminder",
      channel_kind: "sms",
      body: "Hi %name%",
    });
    const email = await createTemplate(cookie, emailTemplate());
    expect(
      await refusedPaths(
        await testSend(cookie, sms.id, { channel_id: channel.id, contact_id: contact.id }),
      ),
    ).toEqual(["channel_id"]);
    expect(
      await refusedPaths(
        await testSend(cookie, email.id, {
          channel_id: "ch_01JD0000000000000000000000",
          contact_id: contact.id,
        }),
      ),
    ).toEqual(["channel_id"]);
    expect(
      await refusedPaths(
        await testSend(cookie, email.id, {
          channel_id: channel.id,
          contact_id: "ct_01JD0000000000000000000000",
        }),
      ),
    ).toEqual(["contact_id"]);
    expect(
      await refusedPaths(await testSend(cookie, email.id, { channel_id: channel.id })),
    ).toEqual(["contact_id"]);
    await api(`/api/v1/contacts/${contact.id}`, {
      cookie,
      method: "PATCH",
      body: { consent: { email: "opted_out" } },
    });
    const optedOut = await testSend(cookie, email.id, {
      channel_id: channel.id,
      contact_id: contact.id,
    });
    expect(optedOut.status).toBe(422);
    const conversations = await json<{ data: unknown[] }>(
      await api(`/api/v1/conversations?view=all&contact_id=${contact.id}`, { cookie }),
    );
    expect(conversations.data).toEqual([]);
    expect((await fakeRequests("/emails")).some((r) => r.body.includes(address))).toBe(false);
  });
});

describe("broadcasts with a message template", () => {
  it("fills the template for each recipient at send time", async () => {
    const s = await broadcastSetup();
    const [reader] = await addContacts(s, 1);
    const template = await createTemplate(s.cookie, {
      name: "Sale",
      channel_kind: "telegram",
      area: "sales",
      body: "Hello %name%, the sale starts today",
    });
    const broadcast = await newBroadcast(s, { message: { message_template_id: template.id } });
    await api(`/api/v1/broadcasts/${broadcast.id}/start`, { cookie: s.cookie, method: "POST" });
    expect(await finished(s, broadcast.id)).toMatchObject({ sent: 1, failed: 0 });
    const sends = await eventually(async () => {
      const requests = await fakeRequests(`/bot${s.botToken}/sendMessage`);
      return requests.length ? requests : undefined;
    }, "the broadcast at Telegram");
    expect(sends.map((r) => JSON.parse(r.body) as { chat_id: string; text: string })).toEqual([
      expect.objectContaining({ text: `Hello Reader ${reader?.chatId}, the sale starts today` }),
    ]);
  });

  it("refuses a template of another kind or of nowhere", async () => {
    const s = await broadcastSetup();
    const email = await createTemplate(s.cookie, emailTemplate());
    const refused = async (id: string) =>
      refusedPaths(
        await api("/api/v1/broadcasts", {
          cookie: s.cookie,
          body: {
            name: "Sale",
            channel_id: s.channel.id,
            audience: { tags: ["news"] },
            message: { message_template_id: id },
          },
        }),
      );
    expect(await refused(email.id)).toEqual(["message.message_template_id"]);
    expect(await refused("mtpl_01JD0000000000000000000000")).toEqual([
      "message.message_template_id",
    ]);
    const list = await json<{ data: TemplateDto[] }>(
      await api("/api/v1/broadcasts", { cookie: s.cookie }),
    );
    expect(list.data).toEqual([]);
  });
});
