import { describe, expect, it } from "vitest";
import { refusedPaths } from "../automations/helpers";
import { fakeUrl, newChannel, setFakeTemplates, uniqueDigits } from "../channel-helpers";
import { api, expectProblem, json } from "../helpers";
import {
  createTemplate,
  emailTemplate,
  listTemplates,
  postTemplate,
  setup,
  type TemplateDto,
} from "./helpers";

describe("message templates API", () => {
  it("creates, reads, changes and deletes a template", async () => {
    const { cookie } = await setup();
    const created = await createTemplate(cookie, emailTemplate());
    expect(created).toMatchObject({
      id: expect.stringMatching(/^mtpl_/),
      name: "Invoice ready",
      channel_kind: "email",
      area: "billing",
      language: "en",
      subject: "Your invoice, %first_name%",
      read_only: false,
    });
    const read = await json<TemplateDto>(
      await api(`/api/v1/message-templates/${created.id}`, { cookie }),
    );
    expect(read).toEqual(created);

    const changed = await api(`/api/v1/message-templates/${created.id}`, {
      cookie,
      method: "PATCH",
      body: { name: "Invoice sent", area: null, body: "Hello {{contact.first_name|there}}" },
    });
    expect(await json(changed)).toMatchObject({
      name: "Invoice sent",
      area: null,
      body: "Hello {{contact.first_name|there}}",
      subject: "Your invoice, %first_name%",
    });

    const gone = await api(`/api/v1/message-templates/${created.id}`, {
      cookie,
      method: "DELETE",
    });
    expect(gone.status).toBe(204);
    await expectProblem(await api(`/api/v1/message-templates/${created.id}`, { cookie }), 404);
    expect(await listTemplates(cookie)).toEqual([]);
  });

  it("lists by channel kind, area and text", async () => {
    const { cookie } = await setup();
    await createTemplate(cookie, emailTemplate());
    await createTemplate(cookie, {
      name: "Payment reminder",
      channel_kind: "sms",
      area: "Billing",
      body: "%name%, your payment of 100% is due",
    });
    await createTemplate(cookie, {
      name: "Welcome",
      channel_kind: "telegram",
      area: "sales",
      body: "Welcome aboard!",
    });
    await createTemplate(cookie, {
      name: "Back in stock",
      channel_kind: "web_push",
      body: "Your lamp is back",
      title: "Back in stock",
      url: "https://shop.example.com/lamp",
    });
    const names = (list: TemplateDto[]) => list.map((t) => t.name);
    expect(names(await listTemplates(cookie))).toEqual([
      "Invoice ready",
      "Payment reminder",
      "Welcome",
      "Back in stock",
    ]);
    expect(names(await listTemplates(cookie, "?channel_kind=sms"))).toEqual(["Payment reminder"]);
    expect(names(await listTemplates(cookie, "?area=billing"))).toEqual([
      "Invoice ready",
      "Payment reminder",
    ]);
    expect(names(await listTemplates(cookie, "?q=ABOARD"))).toEqual(["Welcome"]);
    expect(names(await listTemplates(cookie, `?q=${encodeURIComponent("100%")}`))).toEqual([
      "Payment reminder",
    ]);
    expect(names(await listTemplates(cookie, `?q=${encodeURIComponent("%")}`))).toEqual([
      "Invoice ready",
      "Payment reminder",
    ]);
    await expectProblem(await api("/api/v1/message-templates?channel_kind=fax", { cookie }), 422);
  });

  it("refuses bad input with the paths of what is wrong, and stores nothing", async () => {
    const { cookie } = await setup();
    const refused = async (body: unknown) => refusedPaths(await postTemplate(cookie, body));
    expect(await refused({ ...emailTemplate(), name: "" })).toEqual(["name"]);
    expect(await refused({ ...emailTemplate(), channel_kind: "whatsapp" })).toEqual([
      "channel_kind",
    ]);
    expect(await refused({ ...emailTemplate(), subject: undefined })).toEqual(["subject"]);
    expect(await refused({ ...emailTemplate(), body: "Hi\u0000" })).toEqual(["body"]);
    expect(await refused({ ...emailTemplate(), language: "english!" })).toEqual(["language"]);
    expect(
      await refused({
        ...emailTemplate(),
        subject: "{{order.number}}",
        html: "<p>{{contact.fields.nope}}</p>",
      }),
    ).toEqual(["html", "subject"]);
    expect(
      await refused({
        name: "Push",
        channel_kind: "web_push",
        body: "Hi",
        subject: "No",
        url: "http://insecure.example.com",
      }),
    ).toEqual(["url"]);
    expect(
      await refused({ name: "Push", channel_kind: "web_push", body: "Hi", subject: "No" }),
    ).toEqual(["subject", "title"]);
    expect(
      await refused({ name: "Text", channel_kind: "sms", body: "Hi", html: "<p>x</p>" }),
    ).toEqual(["html"]);
    expect(await refused({ ...emailTemplate(), extra: 1 })).toEqual(["extra"]);
    expect(await listTemplates(cookie)).toEqual([]);

    const saved = await createTemplate(cookie, emailTemplate());
    const patch = await api(`/api/v1/message-templates/${saved.id}`, {
      cookie,
      method: "PATCH",
      body: { subject: null, body: "{{nope}}" },
    });
    expect(await refusedPaths(patch)).toEqual(["body", "subject"]);
    expect(await listTemplates(cookie)).toEqual([saved]);
    await expectProblem(await postTemplate(cookie, emailTemplate()), 409);
  });

  it("lets agents read and supervisors write", async () => {
    const { ws, cookie } = await setup();
    const saved = await createTemplate(cookie, emailTemplate());
    const agent = await (await ws.addMember("agent")).login();
    expect(await listTemplates(agent)).toHaveLength(1);
    await expectProblem(await postTemplate(agent, emailTemplate({ name: "Other" })), 403);
    await expectProblem(
      await api(`/api/v1/message-templates/${saved.id}`, { cookie: agent, method: "DELETE" }),
      403,
    );
  });

  it("lists WhatsApp's synced templates read-only beside the others", async () => {
    const { cookie } = await setup();
    const channel = await newChannel(cookie, "whatsapp", {
      phone_number_id: uniqueDigits(15),
      waba_id: uniqueDigits(15),
      access_token: "EAAG-test-token",
      app_secret: "wa-app-secret",
      verify_token: "verify-me-please",
      api_base_url: fakeUrl(),
    });
    await setFakeTemplates([
      {
        name: "invoice_due",
        language: "en_US",
        status: "APPROVED",
        category: "UTILITY",
        components: [{ type: "BODY", text: "Invoice {{1}} is due." }],
      },
    ]);
    const sync = await api(`/api/v1/channels/${channel.id}/templates/sync`, {
      cookie,
      method: "POST",
    });
    expect(sync.status).toBe(200);
    await createTemplate(cookie, emailTemplate());

    const whatsapp = await listTemplates(cookie, "?channel_kind=whatsapp");
    expect(whatsapp).toEqual([
      expect.objectContaining({
        name: "invoice_due",
        channel_kind: "whatsapp",
        area: "utility",
        language: "en_US",
        body: "Invoice {{1}} is due.",
        read_only: true,
        channel_id: channel.id,
        status: "APPROVED",
      }),
    ]);
    expect((await listTemplates(cookie)).map((t) => t.channel_kind)).toEqual(["email", "whatsapp"]);
    expect((await listTemplates(cookie, "?area=utility")).map((t) => t.name)).toEqual([
      "invoice_due",
    ]);
    const id = whatsapp[0]?.id ?? "";
    expect(await json(await api(`/api/v1/message-templates/${id}`, { cookie }))).toMatchObject({
      name: "invoice_due",
      read_only: true,
    });
    await expectProblem(
      await api(`/api/v1/message-templates/${id}`, {
        cookie,
        method: "PATCH",
        body: { name: "x" },
      }),
      409,
    );
    await expectProblem(
      await api(`/api/v1/message-templates/${id}`, { cookie, method: "DELETE" }),
      409,
    );
  });
});
