import { eq, inArray, sql } from "drizzle-orm";
import { acrossWorkspaces } from "../../db/client";
import { broadcastLinks, broadcastRecipients } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db } from "../../lib/context";
import type { BroadcastRow } from "./broadcasts";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const LINK_CODE_LENGTH = 10;
/** Bytes at or past this would favour the first letters: they are drawn again. */
const UNBIASED_BELOW = 248;

/** An unguessable code: 10 base62 characters (about 59 bits) from the crypto random source. */
export function newLinkCode() {
  let code = "";
  while (code.length < LINK_CODE_LENGTH)
    for (const byte of crypto.getRandomValues(new Uint8Array(LINK_CODE_LENGTH)))
      if (byte < UNBIASED_BELOW && code.length < LINK_CODE_LENGTH) code += BASE62[byte % 62];
  return code;
}

const LINK = /\bhttps?:\/\/[^\s<>"'`]+/g;
/** Punctuation that ends a sentence rather than the link. */
const TRAILING = /[.,;:!?)\]}*_]+$/;

const splitTail = (match: string) => {
  const tail = match.match(TRAILING)?.[0] ?? "";
  return { url: match.slice(0, match.length - tail.length), tail };
};

/**
 * The recipient's text with each link replaced by a short link of its own on the broadcast's
 * origin. The same recipient, run and link keep their code, so a send done again writes the same
 * text; each run of a recurring broadcast counts its own clicks.
 */
export async function shortenLinks(
  db: Db,
  broadcast: BroadcastRow,
  { contactId, run }: { contactId: string; run: number },
  text: string,
) {
  const origin = broadcast.linkOrigin;
  const urls = [...new Set([...text.matchAll(LINK)].map(([match]) => splitTail(match).url))];
  if (!origin || urls.length === 0) return text;
  const { workspaceId } = broadcast;
  const rows = urls.map((url) => ({
    code: newLinkCode(),
    workspaceId,
    broadcastId: broadcast.id,
    run,
    contactId,
    url,
  }));
  await db.insert(broadcastLinks).values(rows).onConflictDoNothing();
  const issued = await db
    .select({ code: broadcastLinks.code, url: broadcastLinks.url })
    .from(broadcastLinks)
    .where(
      inWorkspace(
        broadcastLinks,
        workspaceId,
        eq(broadcastLinks.broadcastId, broadcast.id),
        eq(broadcastLinks.run, run),
        eq(broadcastLinks.contactId, contactId),
        inArray(broadcastLinks.url, urls),
      ),
    );
  const codes = new Map(issued.map((link) => [link.url, link.code]));
  return text.replace(LINK, (match) => {
    const { url, tail } = splitTail(match);
    const code = codes.get(url);
    return code ? `${origin}/l/${code}${tail}` : match;
  });
}

/** Messengers and sites that open a link to show its preview: no person clicked it. */
const PREVIEW_AGENTS =
  /TelegramBot|WhatsApp|facebookexternalhit|Facebot|Twitterbot|Slackbot|Discordbot|LinkedInBot|SkypeUriPreview|Googlebot|bingbot|Applebot/i;

/**
 * The address a short link stands for, or null for a code never issued. The recipient (of the
 * run) it was issued to is marked clicked the first time a person (not a link preview) opens it.
 */
export async function followLink(db: Db, code: string, userAgent: string, now: number) {
  const [link] = await acrossWorkspaces(db)
    .select()
    .from(broadcastLinks)
    .where(eq(broadcastLinks.code, code))
    .limit(1);
  if (!link) return null;
  if (PREVIEW_AGENTS.test(userAgent)) return link.url;
  await db
    .update(broadcastRecipients)
    .set({ clickedAt: sql`coalesce(${broadcastRecipients.clickedAt}, ${now})` })
    .where(
      inWorkspace(
        broadcastRecipients,
        link.workspaceId,
        eq(broadcastRecipients.broadcastId, link.broadcastId),
        eq(broadcastRecipients.run, link.run),
        eq(broadcastRecipients.contactId, link.contactId),
      ),
    );
  return link.url;
}
