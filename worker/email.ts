import { and, eq, isNull, sql } from "drizzle-orm";
import { conversationIdFromAddress, parseInboundEmail } from "./channels/email-inbound";
import { acrossWorkspaces, createDb } from "./db/client";
import { channels } from "./db/schema";
import { ingestEmailMessage } from "./domain/channels/inbound";

/** `support+cv_123@acme.test` and `support@acme.test` are the same inbox. */
const withoutTag = (address: string) => address.toLowerCase().replace(/\+[^@]*@/, "@");

/** The email channel an address belongs to: the address is what tells the workspace. */
async function channelFor(db: ReturnType<typeof createDb>, recipients: string[]) {
  for (const address of recipients.map(withoutTag)) {
    const channel = await acrossWorkspaces(db).query.channels.findFirst({
      where: and(
        eq(channels.type, "email"),
        isNull(channels.deletedAt),
        sql`lower(json_extract(${channels.config}, '$.inbound_address')) = ${address}`,
      ),
    });
    if (channel) return channel;
  }
  return null;
}

/**
 * Cloudflare Email Routing hands each inbound email here: parsed with postal-mime and threaded
 * into its conversation (reply headers, or a `+cv_…` reply address), or a new one.
 */
export async function receiveEmail(message: ForwardableEmailMessage, env: Env) {
  const db = createDb(env.DB);
  const parsed = await parseInboundEmail(message.raw);
  const recipients = [message.to, ...parsed.recipients];
  const channel = await channelFor(db, recipients);
  if (!channel) {
    message.setReject("No Conversa inbox has this address.");
    return;
  }
  const hint = recipients.map(conversationIdFromAddress).find((id) => id !== null) ?? null;
  await ingestEmailMessage(db, env, channel, parsed.message, parsed.files, Date.now(), hint);
}
