import { describe, expect, it } from "vitest";
import { refusedPaths } from "../automations/helpers";
import { api, expectProblem, json } from "../helpers";
import { act, addContacts, type BroadcastDto, finished, newBroadcast, setup } from "./helpers";

const post = (cookie: string, body: unknown) => api("/api/v1/broadcasts", { cookie, body });

const listOf = async (cookie: string) =>
  (await json<{ data: BroadcastDto[] }>(await api("/api/v1/broadcasts", { cookie }))).data;

describe("broadcasts API", () => {
  it("refuses bad input with the paths of what is wrong, and stores nothing", async () => {
    const s = await setup();
    const base = {
      name: "Sale",
      channel_id: s.channel.id,
      audience: { tags: ["news"] },
      message: { text: "Hi" },
    };
    expect(await refusedPaths(await post(s.cookie, { ...base, name: "" }))).toEqual(["name"]);
    expect(await refusedPaths(await post(s.cookie, { ...base, audience: { tags: [] } }))).toEqual([
      "audience.tags",
    ]);
    expect(
      await refusedPaths(
        await post(s.cookie, {
          ...base,
          channel_id: "ch_01JD0000000000000000000000",
          audience: { segment_id: "seg_01JD0000000000000000000000" },
          message: { text: "Hi {{order.number}}" },
        }),
      ),
    ).toEqual(["audience.segment_id", "channel_id", "message.text"]);
    expect(
      await refusedPaths(
        await post(s.cookie, {
          ...base,
          audience: { contact_ids: ["ct_01JD0000000000000000000000"] },
          message: { template: { name: "sale", variables: [] } },
        }),
      ),
    ).toEqual(["audience.contact_ids.0", "message.template"]);
    expect(
      await refusedPaths(
        await post(s.cookie, { ...base, send_at: new Date(Date.now() - 3_600_000).toISOString() }),
      ),
    ).toEqual(["send_at"]);
    expect(await refusedPaths(await post(s.cookie, { ...base, send_at: "tomorrow" }))).toEqual([
      "send_at",
    ]);
    expect(await listOf(s.cookie)).toEqual([]);
  });

  it("a draft changes until it starts, then only its state moves", async () => {
    const s = await setup();
    await addContacts(s, 1);
    const draft = await newBroadcast(s);
    expect(draft.status).toBe("draft");
    const renamed = await api(`/api/v1/broadcasts/${draft.id}`, {
      cookie: s.cookie,
      method: "PATCH",
      body: { name: "Spring sale", send_at: new Date(Date.now() + 3_600_000).toISOString() },
    });
    expect(await json(renamed)).toMatchObject({ name: "Spring sale", status: "scheduled" });
    await act(s, draft.id, "start");
    await finished(s, draft.id);
    await expectProblem(
      await api(`/api/v1/broadcasts/${draft.id}`, {
        cookie: s.cookie,
        method: "PATCH",
        body: { name: "Too late" },
      }),
      409,
    );
    await expectProblem(
      await api(`/api/v1/broadcasts/${draft.id}/start`, { cookie: s.cookie, method: "POST" }),
      409,
    );
    await expectProblem(
      await api(`/api/v1/broadcasts/${draft.id}`, { cookie: s.cookie, method: "DELETE" }),
      409,
    );
    expect((await listOf(s.cookie)).map((b) => [b.id, b.status])).toEqual([
      [draft.id, "completed"],
    ]);
  });

  it("agents follow broadcasts but do not send them", async () => {
    const s = await setup();
    const agent = await s.ws.addMember("agent");
    const cookie = await agent.login();
    const draft = await newBroadcast(s);
    await expectProblem(
      await api(`/api/v1/broadcasts/${draft.id}/start`, { cookie, method: "POST" }),
      403,
    );
    expect((await listOf(cookie)).map((b) => b.id)).toEqual([draft.id]);
    const recipients = await api(`/api/v1/broadcasts/${draft.id}/recipients?status=sent`, {
      cookie,
    });
    expect(await json(recipients)).toEqual({ data: [], next_cursor: null });
  });

  it("pages the recipients by cursor", async () => {
    const s = await setup();
    const readers = await addContacts(s, 5);
    const broadcast = await newBroadcast(s);
    await act(s, broadcast.id, "start");
    await finished(s, broadcast.id);
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page: {
        data: { contact_id: string; contact_name: string | null }[];
        next_cursor: string | null;
      } = await json(
        await api(
          `/api/v1/broadcasts/${broadcast.id}/recipients?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
          { cookie: s.cookie },
        ),
      );
      seen.push(...page.data.map((r) => r.contact_id));
      for (const r of page.data)
        expect(r.contact_name).toBe(`Reader ${readers.find((x) => x.id === r.contact_id)?.chatId}`);
      cursor = page.next_cursor;
    }
    expect(seen).toEqual(readers.map((r) => r.id).sort());
  });
});
