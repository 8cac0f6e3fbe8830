import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { broadcastMembers, contactIdentities, contacts } from "../../worker/db/schema";
import { newId } from "../../worker/lib/ids";
import { refusedPaths } from "../automations/helpers";
import {
  eventually,
  fakeRequests,
  fakeUrl,
  newChannel,
  subscribeAtFake,
  uniqueDigits,
} from "../channel-helpers";
import { api, db, expectProblem, json, newWorkspace } from "../helpers";
import { act, addContacts, finished, newBroadcast, setup } from "./helpers";

type CsvAnswer = {
  rows: number;
  matched: number;
  created: number;
  rejected: { row: number; column: string; reason: string }[];
};

const upload = (cookie: string, id: string, csv: string) =>
  api(`/api/v1/broadcasts/${id}/audience/csv`, {
    cookie,
    rawBody: csv,
    headers: { "content-type": "text/csv" },
  });

const contactsOf = (workspaceId: string) =>
  db().select().from(contacts).where(eq(contacts.workspaceId, workspaceId));

const membersOf = (broadcastId: string) =>
  db().select().from(broadcastMembers).where(eq(broadcastMembers.broadcastId, broadcastId));

describe("broadcast audiences from a CSV", () => {
  it("matches known contacts by the channel's identity, creates the unknown, names rejected rows, and the send excludes opt-outs", async () => {
    const s = await setup();
    const [known] = await addContacts(s, 1, "reachable", "other");
    const [optedOut] = await addContacts(s, 1, "opted_out", "other");
    if (!known || !optedOut) throw new Error("two readers");
    const newcomer = `1${uniqueDigits(8)}`;
    const broadcast = await newBroadcast(s, { audience: { csv: true } });
    const hook = await subscribeAtFake(s.cookie);
    const csv = [
      "identity,name",
      `${known.chatId},Known`,
      `${optedOut.chatId},Gone`,
      `"${newcomer}","Newcomer, Jr."`,
      ",Nobody",
      `${known.chatId},Again`,
    ].join("\r\n");
    const response = await upload(s.cookie, broadcast.id, csv);
    expect(response.status).toBe(200);
    expect(await json<CsvAnswer>(response)).toEqual({
      rows: 5,
      matched: 2,
      created: 1,
      rejected: [
        { row: 5, column: "identity", reason: "is empty" },
        { row: 6, column: "identity", reason: "repeats row 2" },
      ],
    });
    const [identity] = await db()
      .select()
      .from(contactIdentities)
      .where(eq(contactIdentities.value, newcomer));
    const created = (await contactsOf(s.ws.id)).find((c) => c.id === identity?.contactId);
    expect(created?.name).toBe("Newcomer, Jr.");
    // a contact an uploaded list brought in counts as imported in the contacts report
    expect(created?.source).toBe("import");
    expect(identity?.kind).toBe(`telegram:${s.channel.id}`);
    expect((await membersOf(broadcast.id)).map((m) => m.contactId).sort()).toEqual(
      [known.id, optedOut.id, identity?.contactId].sort(),
    );
    // the new contact is announced like any other; the known ones are not
    const announced = await eventually(async () => {
      const hooks = await fakeRequests(hook.path);
      return hooks.length ? hooks : undefined;
    }, "contact.created");
    expect(announced.map((r) => JSON.parse(r.body).data.contact)).toEqual([
      expect.objectContaining({ id: created?.id, name: "Newcomer, Jr." }),
    ]);

    await act(s, broadcast.id, "start");
    const stats = await finished(s, broadcast.id);
    expect(stats).toMatchObject({ targeted: 3, sent: 2, excluded: 1 });
    expect(stats.excluded_by_reason).toEqual({ opted_out: 1 });
  });

  it("matches phones in E.164 after the workspace's country and takes a multipart file", async () => {
    const ws = await newWorkspace();
    const sms = await newChannel(ws.ownerCookie, "twilio_sms", {
      account_sid: `AC${uniqueDigits(32)}`,
      auth_token: "tw_csv_token",
      from: "+15550001111",
      api_base_url: fakeUrl(),
    });
    const now = Date.now();
    const existing = newId("ct", now);
    await db().insert(contacts).values({
      id: existing,
      workspaceId: ws.id,
      name: "Ada",
      phone: "+12127365000",
      createdAt: now,
      updatedAt: now,
    });
    const created = await api("/api/v1/broadcasts", {
      cookie: ws.ownerCookie,
      body: {
        name: "Texts",
        channel_id: sms.id,
        audience: { csv: true },
        message: { text: "Hi" },
      },
    });
    const broadcast = await json<{ id: string }>(created);
    const form = new FormData();
    const csv = "Name,Phone\nAda L.,(212) 736-5000\nBob,+44 20 7031 3000\nCy,12\n";
    form.set("file", new File([csv], "list.csv", { type: "text/csv" }));
    const response = await api(`/api/v1/broadcasts/${broadcast.id}/audience/csv`, {
      cookie: ws.ownerCookie,
      rawBody: form,
    });
    expect(await json<CsvAnswer>(response)).toEqual({
      rows: 3,
      matched: 1,
      created: 1,
      rejected: [{ row: 4, column: "phone", reason: "is not a valid phone number" }],
    });
    const all = await contactsOf(ws.id);
    expect(all.map((c) => [c.name, c.phone]).sort()).toEqual([
      ["Ada", "+12127365000"],
      ["Bob", "+442070313000"],
    ]);
    expect(await membersOf(broadcast.id)).toHaveLength(2);
  });

  it("refuses a file that is not a list of the channel's addresses with where it is wrong, and stores nothing", async () => {
    const s = await setup();
    const broadcast = await newBroadcast(s);
    const refused = async (csv: string) => refusedPaths(await upload(s.cookie, broadcast.id, csv));
    expect(await refused("")).toEqual(["file"]);
    expect(await refused("identity\n")).toEqual(["file"]);
    expect(await refused("name\nAda\n")).toEqual(["header"]);
    expect(await refused("identity,shoe,identity\n1,2,3\n")).toEqual(["header.1", "header.2"]);
    expect(await refused("identity,name\n1,Ada\n2\n3,Cy,extra\n")).toEqual(["rows.3", "rows.4"]);
    expect(await refused('identity,name\n1,Ada\n2,"Bob\n')).toEqual(["rows.3"]);
    expect(await refused('identity,name\n1,A"da\n')).toEqual(["rows.2"]);
    const tooMany = `identity\n${Array.from({ length: 50_001 }, (_, i) => i + 1).join("\n")}`;
    expect(await refused(tooMany)).toEqual(["file"]);
    await expectProblem(
      await upload(s.cookie, broadcast.id, `identity\n${"1".repeat(5 * 1024 * 1024 + 1)}`),
      413,
    );
    expect(await contactsOf(s.ws.id)).toEqual([]);
    expect(await membersOf(broadcast.id)).toEqual([]);
    const stored = await json<{ audience: unknown }>(
      await api(`/api/v1/broadcasts/${broadcast.id}`, { cookie: s.cookie }),
    );
    expect(stored.audience).toEqual({ tags: ["news"] });

    await addContacts(s, 1);
    await act(s, broadcast.id, "start");
    await finished(s, broadcast.id);
    await expectProblem(await upload(s.cookie, broadcast.id, "identity\n123\n"), 409);
  });
});
