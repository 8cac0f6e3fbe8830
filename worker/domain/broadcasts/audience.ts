import { and, asc, eq, exists, gt, inArray, isNull, lte, type SQL, sql } from "drizzle-orm";
import { addressKindOf } from "../../channels/rules";
import {
  type BroadcastAudience,
  broadcastMembers,
  broadcastRecipients,
  type ChannelType,
  consentChannelOf,
  contactIdentities,
  contacts,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import type { SegmentRulesValue } from "../../schemas/segments";
import { getChannelRow } from "../channels/channels";
import { identityKind } from "../channels/ledger";
import { compileSegment, getSegment } from "../segments/segments";
import { type BroadcastRow, nullIfGone } from "./broadcasts";
import type { AudiencePass } from "./jobs";
import { dueAtOfContacts } from "./local-time";
import { assignVariants, isSplit } from "./variants";

/** Contacts put in the ledger by one page of the audience. */
export const AUDIENCE_PAGE = 500;
/** Contacts named one by one go in pages that fit D1's parameter limit with the rest. */
const NAMED_PAGE = 80;

/**
 * The audience is put in the ledger in two passes: the contacts its rules (segment or tags)
 * take in, then those named one by one. A contact in both is put in once.
 */

const PASSES: AudiencePass[] = ["rules", "named", "listed"];
const takesPart = (audience: BroadcastAudience, pass: AudiencePass) =>
  pass === "rules"
    ? Boolean(audience.segment_id || audience.tags)
    : pass === "named"
      ? Boolean(audience.contact_ids)
      : Boolean(audience.csv);

/** The pass an audience starts with, and the one after `pass` (null: none left). */
export const firstPass = (audience: BroadcastAudience): AudiencePass =>
  PASSES.find((pass) => takesPart(audience, pass)) ?? "named";
export const passAfter = (audience: BroadcastAudience, pass: AudiencePass) =>
  PASSES.slice(PASSES.indexOf(pass) + 1).find((next) => takesPart(audience, next)) ?? null;

/** The pass's condition on contacts, and how many contacts one page takes. */
async function audienceWhere(
  db: Db,
  broadcast: BroadcastRow,
  pass: AudiencePass,
  after: string | null,
  now: number,
): Promise<{ where: SQL; pageSize: number }> {
  const audience: BroadcastAudience = broadcast.audience;
  const { workspaceId } = broadcast;
  if (pass === "named") {
    const page = [...new Set(audience.contact_ids ?? [])]
      .sort()
      .filter((id) => after === null || id > after)
      .slice(0, NAMED_PAGE);
    return {
      where: inWorkspace(contacts, workspaceId, inArray(contacts.id, page.length ? page : [""])),
      pageSize: NAMED_PAGE,
    };
  }
  if (pass === "listed") {
    const member = db
      .select({ one: sql`1` })
      .from(broadcastMembers)
      .where(
        inWorkspace(
          broadcastMembers,
          workspaceId,
          eq(broadcastMembers.broadcastId, broadcast.id),
          sql`${broadcastMembers.contactId} = ${contacts.id}`,
        ),
      );
    return { where: inWorkspace(contacts, workspaceId, exists(member)), pageSize: AUDIENCE_PAGE };
  }
  const segment = audience.segment_id
    ? await getSegment(db, workspaceId, audience.segment_id).catch(nullIfGone)
    : undefined;
  // a segment deleted since the broadcast was saved takes no one in
  if (segment === null) return { where: inWorkspace(contacts, workspaceId, sql`0`), pageSize: 1 };
  const rules: SegmentRulesValue = segment
    ? (segment.rules as SegmentRulesValue)
    : {
        match: "all",
        groups: [
          {
            match: "all",
            rules: [{ type: "tag", operator: "has_any", tags: audience.tags ?? [] }],
          },
        ],
      };
  return { where: await compileSegment(db, workspaceId, rules, now), pageSize: AUDIENCE_PAGE };
}

/** Why a contact is not sent to on the channel: opted out, or no address there. */
function exclusion(
  channel: { id: string; type: ChannelType; workspaceId: string },
  included: "queued" | "held",
) {
  const consent = `$.${consentChannelOf(channel.type)}.status`;
  const optedOut = sql`json_extract(${contacts.consent}, ${consent}) = 'opted_out'`;
  const kind = addressKindOf(channel.type);
  const noAddress =
    kind !== "identity"
      ? sql`${contacts[kind]} is null`
      : sql`not exists (select 1 from ${contactIdentities} where ${inWorkspace(
          contactIdentities,
          channel.workspaceId,
          eq(contactIdentities.kind, identityKind(channel as Parameters<typeof identityKind>[0])),
          sql`${contactIdentities.contactId} = ${contacts.id}`,
        )})`;
  return {
    status: sql`case when ${optedOut} or ${noAddress} then 'excluded' else ${included} end`,
    reason: sql`case when ${optedOut} then 'opted_out' when ${noAddress} then 'no_address' end`,
  };
}

/**
 * Puts one page of a pass over the audience (contacts after `after`, in id order) in the ledger, those who
 * cannot be sent to as `excluded` with the reason. A contact already there is left as it is, so
 * a page done twice changes nothing. A broadcast at a local time gives each row its recipient's
 * due time. Returns the page's queued contacts that may be sent now and where the next page
 * starts (null: the audience is all in).
 */
export async function expandPage(
  db: Db,
  broadcast: BroadcastRow,
  page: { run: number; pass: AudiencePass; after: string | null },
  now: number,
) {
  const { after } = page;
  const { where, pageSize } = await audienceWhere(db, broadcast, page.pass, after, now);
  const inPage = after ? and(where, gt(contacts.id, after)) : where;
  const ids = await db
    .select({ id: contacts.id })
    .from(contacts)
    .where(inPage)
    .orderBy(asc(contacts.id))
    .limit(pageSize);
  const last = ids.at(-1)?.id;
  if (!last) return { queued: [], next: null };
  const channel = await getChannelRow(db, broadcast.workspaceId, broadcast.channelId);
  const { status, reason } = exclusion(channel, isSplit(broadcast) ? "held" : "queued");
  const thisPage = and(inPage, lte(contacts.id, last));
  const dueAt = broadcast.sendAtLocal
    ? await dueAtOfContacts(db, broadcast.workspaceId, broadcast.sendAtLocal, thisPage, now)
    : sql`null`;
  await db
    .insert(broadcastRecipients)
    .select(
      sql`select ${broadcast.workspaceId}, ${broadcast.id}, ${page.run}, ${contacts.id}, ${status}, ${reason}, 0, 0, null, null, null, null, ${dueAt}, null, null, null, null, ${now}, ${now}, null, null from ${contacts} where ${thisPage}`,
    )
    .onConflictDoNothing();
  if (isSplit(broadcast))
    await assignVariants(
      db,
      broadcast,
      ids.map((r) => r.id),
      now,
    );
  const queued = await db
    .select({ id: broadcastRecipients.contactId })
    .from(broadcastRecipients)
    .where(
      inWorkspace(
        broadcastRecipients,
        broadcast.workspaceId,
        eq(broadcastRecipients.broadcastId, broadcast.id),
        eq(broadcastRecipients.run, page.run),
        eq(broadcastRecipients.status, "queued"),
        isNull(broadcastRecipients.dueAt),
        after ? gt(broadcastRecipients.contactId, after) : undefined,
        lte(broadcastRecipients.contactId, last),
      ),
    );
  return { queued: queued.map((r) => r.id), next: ids.length < pageSize ? null : last };
}
