import { describe, expect, it } from "vitest";
import {
  deliveryOf,
  fakeRequests,
  fakeUrl,
  publicHost,
  setFakeDns,
  uniqueDigits,
} from "../channel-helpers";
import { api, expectProblem, json, newWorkspace } from "../helpers";

const subscribe = (cookie: string, url: string) =>
  api("/api/v1/webhook-subscriptions", { cookie, body: { url, events: ["contact.created"] } });

const uniqueName = (label: string) => `${label}-${uniqueDigits()}.example.com`;

/** The DNS-over-HTTPS questions the fake resolver was asked about `name`. */
const lookupsOf = async (name: string) =>
  (await fakeRequests("/dns-query")).filter((r) =>
    new URLSearchParams(r.query).get("name")?.startsWith(name),
  );

describe("outbound URLs by name", () => {
  it.each([
    ["a private A record", { A: ["10.0.0.7"] }, "resolves to 10.0.0.7 (private)"],
    [
      "a public A record beside a unique-local AAAA one",
      { A: ["93.184.215.14"], AAAA: ["fd00::1"] },
      "resolves to fd00::1 (unique-local)",
    ],
    [
      "the metadata service written as IPv6",
      { AAAA: ["::ffff:169.254.169.254"] },
      "resolves to ::ffff:169.254.169.254 (an IPv6 form of 169.254.169.254 (link-local))",
    ],
    ["loopback", { A: ["127.0.0.1"] }, "resolves to 127.0.0.1 (loopback)"],
    ["no address at all", {}, "could not be resolved"],
    ["a resolver failure (SERVFAIL)", { A: ["93.184.215.14"], status: 2 }, "could not be resolved"],
  ])("are refused when the name has %s", async (_what, zone, reason) => {
    const ws = await newWorkspace();
    const name = uniqueName("rebind");
    await setFakeDns(name, zone);
    const problem = await expectProblem(
      await subscribe(ws.ownerCookie, `https://${name}/hook`),
      422,
    );
    expect(problem.errors).toEqual([
      { path: "url", message: `must be a public address (${name} ${reason})` },
    ]);
  });

  it("are refused when the name does not exist", async () => {
    const ws = await newWorkspace();
    const name = uniqueName("nowhere");
    const problem = await expectProblem(
      await subscribe(ws.ownerCookie, `https://${name}/hook`),
      422,
    );
    expect(problem.errors?.[0]?.message).toBe(
      `must be a public address (${name} could not be resolved)`,
    );
    expect(
      (await lookupsOf(name)).map((r) => new URLSearchParams(r.query).get("type")).sort(),
    ).toEqual(["A", "AAAA"]);
  });

  it("look a name up once while its answer's TTL lasts", async () => {
    const ws = await newWorkspace();
    const cached = await publicHost();
    for (let i = 0; i < 3; i++)
      expect((await subscribe(ws.ownerCookie, `https://${cached}/hook/${i}`)).status).toBe(201);
    expect(await lookupsOf(cached)).toHaveLength(2);

    const uncached = uniqueName("no-ttl");
    await setFakeDns(uncached, { A: ["93.184.215.14"], ttl: 0 });
    for (let i = 0; i < 2; i++)
      expect((await subscribe(ws.ownerCookie, `https://${uncached}/hook/${i}`)).status).toBe(201);
    expect(await lookupsOf(uncached)).toHaveLength(4);
  });

  it("are checked again at every delivery, so a name that turns private gets nothing", async () => {
    const ws = await newWorkspace();
    const name = uniqueName("turns-private");
    await setFakeDns(name, { A: ["93.184.215.14"], ttl: 0 });
    const created = await subscribe(ws.ownerCookie, `https://${name}/hook`);
    expect(created.status).toBe(201);
    const { id } = await json<{ id: string }>(created);
    await setFakeDns(name, { A: ["169.254.169.254"], ttl: 0 });
    await api("/api/v1/contacts", { cookie: ws.ownerCookie, body: { name: "Rita" } });
    const delivery = await deliveryOf(
      ws.ownerCookie,
      id,
      (d) => d.last_error !== null,
      "a refused delivery attempt",
    );
    expect(delivery).toMatchObject({
      last_status: null,
      last_error: `The URL must be a public address (${name} resolves to 169.254.169.254 (link-local))`,
    });
  });

  it("reach the local fake platforms only at its exact origin", async () => {
    const ws = await newWorkspace();
    const port = new URL(fakeUrl()).port;
    expect((await subscribe(ws.ownerCookie, `${fakeUrl()}/hooks/${uniqueDigits()}`)).status).toBe(
      201,
    );
    for (const url of [`http://localhost:${port}/hooks/x`, `http://127.0.0.2:${port}/hooks/x`])
      await expectProblem(await subscribe(ws.ownerCookie, url), 422);
  });
});
