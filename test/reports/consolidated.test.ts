import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships, workspaces } from "../../worker/db/schema";
import { newId } from "../../worker/lib/ids";
import { api, db, json, newWebchat, newWorkspace } from "../helpers";
import { conversationAt, projectedAt } from "./helpers";

type Totals = { conversations_opened: number; messages_in: number };
type Consolidated = {
  totals: Totals;
  workspaces: { workspace_id: string; name: string; totals: Totals }[];
};

/** Another workspace of `ws`'s organization, with `opened` conversations on its web chat. */
async function location(ws: Awaited<ReturnType<typeof newWorkspace>>, name: string) {
  const [own] = await db()
    .select({ organizationId: workspaces.organizationId })
    .from(workspaces)
    .where(eq(workspaces.id, ws.id));
  const id = newId("ws");
  await db()
    .insert(workspaces)
    .values({ id, organizationId: own?.organizationId ?? "", name });
  return id;
}

const at = Date.parse("2026-04-14T10:00:00Z");

/** `n` conversations, each with one customer message, on a new web chat of the workspace. */
async function busyWith(workspaceId: string, cookie: string, n: number) {
  const channel = await newWebchat(cookie);
  for (let i = 0; i < n; i++) {
    const id = await conversationAt(workspaceId, channel.id, at + i * 60_000);
    await projectedAt(workspaceId, id, at + i * 60_000);
  }
}

const range = new URLSearchParams({ from: "2026-04-01", to: "2026-04-30", timezone: "UTC" });

describe("consolidated reports", () => {
  it("add up the locations a person supervises, each beside the sum, and no other", async () => {
    const madrid = await newWorkspace("Madrid");
    await busyWith(madrid.id, madrid.ownerCookie, 2);
    const lisbon = await location(madrid, "Lisbon");
    const porto = await location(madrid, "Porto");
    const elsewhere = await newWorkspace("Elsewhere");
    await busyWith(elsewhere.id, elsewhere.ownerCookie, 5);
    // the owner runs Lisbon too, and is only an agent in Porto
    await db()
      .insert(memberships)
      .values([
        { workspaceId: lisbon, userId: madrid.owner.id, role: "admin" },
        { workspaceId: porto, userId: madrid.owner.id, role: "agent" },
      ]);
    const lisbonCookie = await madrid.owner.login();
    const inLisbon = await api("/api/v1/auth/switch-workspace", {
      cookie: lisbonCookie,
      body: { workspace_id: lisbon },
    });
    expect(inLisbon.status).toBe(200);
    const cookieOf = (response: Response) =>
      /conversa_session=[^;]+/.exec(response.headers.get("set-cookie") ?? "")?.[0] ?? "";
    await busyWith(lisbon, cookieOf(inLisbon), 3);
    await db()
      .insert(memberships)
      .values({ workspaceId: porto, userId: elsewhere.owner.id, role: "owner" });
    const inPorto = await api("/api/v1/auth/switch-workspace", {
      cookie: await elsewhere.owner.login(),
      body: { workspace_id: porto },
    });
    await busyWith(porto, cookieOf(inPorto), 4);

    const report = await json<Consolidated>(
      await api(`/api/v1/reports/consolidated?${range}`, { cookie: madrid.ownerCookie }),
    );
    expect(report.workspaces.map((w) => [w.name, w.totals.conversations_opened])).toEqual([
      ["Lisbon", 3],
      ["Madrid", 2],
    ]);
    expect(report.totals).toMatchObject({ conversations_opened: 5, messages_in: 5 });
    const sum = report.workspaces.reduce((n, w) => n + w.totals.messages_in, 0);
    expect(report.totals.messages_in).toBe(sum);

    const csv = await api(`/api/v1/reports/consolidated?${range}&format=csv`, {
      cookie: madrid.ownerCookie,
    });
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines.map((line) => line.split(",").slice(0, 2).join(","))).toEqual([
      "workspace,conversations_opened",
      "Lisbon,3",
      "Madrid,2",
      "Total,5",
    ]);
  });
});
