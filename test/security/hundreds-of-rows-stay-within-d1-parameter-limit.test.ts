import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { receiveEmail } from "../../worker/email";
import type { ConversationDto } from "../../worker/schemas/conversations";
import { eventually, fakeUrl, messagesOf, newChannel, uniqueDigits } from "../channel-helpers";
import { insertContacts, insertConversations, insertMembers, insertTeams } from "../fixtures";
import { api, json, newWebchat, newWorkspace, visitorSays, visitorSession } from "../helpers";

// D1 binds at most 100 parameters per statement: every list that grows with the data is read and
// written in chunks, so none of these answers a 5xx.

type Page<T> = { data: T[]; next_cursor?: string | null };

describe("D1's 100-parameter limit", () => {
  it("pages through 260 contacts, 100 at a time, each with its tags", async () => {
    const ws = await newWorkspace();
    const ids = await insertContacts(ws.id, 260);
    const seen: { id: string; tags: string[] }[] = [];
    let cursor = "";
    for (;;) {
      const response = await api(`/api/v1/contacts?limit=100${cursor}`, { cookie: ws.ownerCookie });
      expect(response.status).toBe(200);
      const page = await json<Page<{ id: string; tags: string[] }>>(response);
      seen.push(...page.data);
      if (!page.next_cursor) break;
      cursor = `&cursor=${page.next_cursor}`;
    }
    expect(seen.map((c) => c.id)).toEqual([...ids].reverse());
    expect(seen.at(-1)?.tags).toEqual(["bulk", "n0"]);
    expect(seen[0]?.tags).toEqual(["bulk", "n259"]);
  });

  it("pages through 260 conversations, 100 at a time, each with its labels", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const ids = await insertConversations(ws.id, channel.id, await insertContacts(ws.id, 260));
    const seen: ConversationDto[] = [];
    let cursor = "";
    for (;;) {
      const response = await api(`/api/v1/conversations?limit=100${cursor}`, {
        cookie: ws.ownerCookie,
      });
      expect(response.status).toBe(200);
      const page = await json<Page<ConversationDto>>(response);
      seen.push(...page.data);
      if (!page.next_cursor) break;
      cursor = `&cursor=${page.next_cursor}`;
    }
    expect(seen.map((c) => c.id)).toEqual([...ids].reverse());
    expect(seen.every((c) => c.labels.join() === "bulk")).toBe(true);
  });

  it("lists 120 teams with their members", async () => {
    const ws = await newWorkspace();
    const members = await insertMembers(ws.id, 2);
    await insertTeams(ws.id, 120, members);
    const response = await api("/api/v1/teams", { cookie: ws.ownerCookie });
    expect(response.status).toBe(200);
    const teams = await json<Page<{ member_ids: string[] }>>(response);
    expect(teams.data).toHaveLength(120);
    expect(teams.data.every((t) => t.member_ids.join() === [...members].sort().join())).toBe(true);
  });

  it("assigns automatically in a team of 150 online agents", async () => {
    const ws = await newWorkspace();
    const agents = await insertMembers(ws.id, 150, "online");
    const team = await json<{ id: string }>(
      await api("/api/v1/teams", {
        cookie: ws.ownerCookie,
        body: { name: "Everyone", assignment: "least_busy", member_ids: agents },
      }),
    );
    const channel = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(channel.id);
    const { conversation_id: id } = await visitorSays(visitor.token, "anyone there?");
    const response = await api(`/api/v1/conversations/${id}/transfer`, {
      cookie: ws.ownerCookie,
      body: { team_id: team.id },
    });
    expect(response.status).toBe(200);
    const conversation = await json<ConversationDto>(
      await api(`/api/v1/conversations/${id}`, { cookie: ws.ownerCookie }),
    );
    expect(agents).toContain(conversation.assignee_id);
  });

  it("logs an event for each of 20 webhook subscriptions", async () => {
    const ws = await newWorkspace();
    for (let i = 0; i < 20; i++) {
      const created = await api("/api/v1/webhook-subscriptions", {
        cookie: ws.ownerCookie,
        body: { url: `${fakeUrl()}/hooks/bulk-${i}`, events: ["contact.created"] },
      });
      expect(created.status).toBe(201);
    }
    const contact = await api("/api/v1/contacts", {
      cookie: ws.ownerCookie,
      body: { name: "Announced" },
    });
    expect(contact.status).toBe(201);
    // the event reaches the webhook fan-out through the events queue
    const logged = await eventually(async () => {
      const row = await env.DB.prepare(
        "SELECT count(*) AS n FROM webhook_deliveries WHERE workspace_id = ? AND event_type = 'contact.created'",
      )
        .bind(ws.id)
        .first<{ n: number }>();
      return (row?.n ?? 0) >= 20 ? row : undefined;
    }, "20 logged deliveries");
    expect(logged?.n).toBe(20);
  });

  it("threads a reply whose References name 150 messages", async () => {
    const ws = await newWorkspace();
    const inbox = `bulk-${uniqueDigits(8)}@acme.test`;
    const channel = await newChannel(ws.ownerCookie, "email", {
      inbound_address: inbox,
      provider: "resend",
      api_key: "re_test_key",
      from_accounts: [{ area: "all", from: "Acme Support <support@acme.test>" }],
      api_base_url: fakeUrl(),
    });
    const customer = `client-${uniqueDigits(8)}@example.com`;
    const firstId = `${uniqueDigits()}@mail.example.com`;
    const unknown = Array.from({ length: 150 }, (_, i) => `<unknown-${i}@elsewhere.example>`);
    await deliver(inbox, customer, firstId, "First mail", []);
    await deliver(inbox, customer, `${uniqueDigits()}@mail.example.com`, "Re: First mail", [
      `In-Reply-To: <unknown-reply@elsewhere.example>`,
      `References: <${firstId}> ${unknown.join(" ")}`,
    ]);
    const s = { ws, channel };
    const conversations = await eventually(async () => {
      const list = await json<Page<ConversationDto>>(
        await api("/api/v1/conversations?view=all", { cookie: ws.ownerCookie }),
      );
      const mine = list.data.filter((c) => c.channel_id === channel.id);
      const [only] = mine;
      return only && (await messagesOf(s, only.id)).length === 2 ? mine : undefined;
    }, "the reply in the first conversation");
    expect(conversations).toHaveLength(1);
  });
});

async function deliver(
  inbox: string,
  from: string,
  id: string,
  subject: string,
  headers: string[],
) {
  const raw = [
    `From: <${from}>`,
    `To: ${inbox}`,
    `Subject: ${subject}`,
    `Message-ID: <${id}>`,
    "Date: Sun, 22 Nov 2026 10:00:00 +0000",
    "MIME-Version: 1.0",
    ...headers,
    'Content-Type: text/plain; charset="utf-8"',
    "",
    subject,
  ].join("\r\n");
  const message = {
    from,
    to: inbox,
    headers: new Headers(),
    raw: new Blob([raw]).stream(),
    rawSize: raw.length,
    setReject: (reason: string) => {
      throw new Error(`rejected: ${reason}`);
    },
    forward: async () => ({ messageId: "" }),
    reply: async () => ({ messageId: "" }),
  } as unknown as ForwardableEmailMessage;
  await receiveEmail(message, env);
}
