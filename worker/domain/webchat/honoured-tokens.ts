/**
 * Visitor tokens found still honoured (channel connected at the token's security version, contact
 * still there), by what the token names, with when that was last read from D1. A widget message
 * is answered from here and the check is read again in the background once it is older than
 * REVALIDATE_MS, so the message path waits on no D1 read; a revocation holds at once in the
 * instance that made it (which forgets everything here) and within REVALIDATE_MS plus one request
 * everywhere else.
 */
export const REVALIDATE_MS = 5_000;
const LIMIT = 10_000;
const checkedAt = new Map<string, number>();

export type HonourKey = { w: string; ch: string; ct: string; v: number };

const keyOf = (token: HonourKey) => `${token.w}:${token.ch}:${token.ct}:${token.v}`;

/** When the token was last found honoured, if it was. */
export const lastHonoured = (token: HonourKey) => checkedAt.get(keyOf(token));

export function rememberCheck(token: HonourKey, honoured: boolean, at: number) {
  if (!honoured) {
    checkedAt.delete(keyOf(token));
    return;
  }
  if (checkedAt.size >= LIMIT) checkedAt.clear();
  checkedAt.set(keyOf(token), at);
}

/** After a channel change or a contact's deletion: every token is read again on its next use. */
export const forgetHonouredTokens = () => checkedAt.clear();
