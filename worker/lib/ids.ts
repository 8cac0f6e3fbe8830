const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function encodeTime(ms: number): string {
  let out = "";
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

function randomChars(length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => CROCKFORD[b % 32]).join("");
}

/**
 * A prefixed, time-ordered id (ULID body): sorting ids sorts rows by creation,
 * which is what cursor pagination walks.
 */
export function newId(prefix: string, now = Date.now()): string {
  return `${prefix}_${encodeTime(now)}${randomChars(16)}`;
}

/** The smallest id `newId` can give at this time: a bound for ranges of time-ordered ids. */
export const firstIdAt = (prefix: string, ms: number) =>
  `${prefix}_${encodeTime(ms)}${"0".repeat(16)}`;
