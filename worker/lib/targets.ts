import ipaddr from "ipaddr.js";
import { z } from "zod";
import { Problem } from "./errors";

/**
 * The one gate for every URL a user chooses and Conversa then calls (webhook subscriptions,
 * channel base URLs and outbound URLs, send-API attachments, and whatever fetches a user's URL
 * next): only http(s) to public unicast addresses. IP literals are classified with ipaddr.js
 * (IPv4 embedded in IPv6 unwrapped); names must not be single-label or special-use, and must
 * resolve (DNS over HTTPS, A and AAAA) to public addresses only; redirects are followed by hand,
 * each hop checked again. `PRIVATE_TARGET_ORIGINS` lists the exact origins exempt from the
 * address rules: the local fake platforms server in dev and tests, nothing in production.
 */
export class TargetRefused extends Problem {
  constructor(message: string) {
    super(502, "target-refused", "Outbound address refused", message);
    this.name = "TargetRefused";
  }
}

const DEFAULT_RESOLVER = "https://cloudflare-dns.com/dns-query";
const RESOLVE_TIMEOUT_MS = 5000;
const MAX_REDIRECTS = 3;
const MAX_CACHE_SECONDS = 300;
const CACHE_LIMIT = 1000;

/** Suffixes never delegated in public DNS (RFC 6761, 6762, 7686, 8375, 9476, ICANN's .internal, common LAN suffixes). */
const SPECIAL_USE_SUFFIXES = [
  "localhost",
  "localdomain",
  "local",
  "internal",
  "intranet",
  "lan",
  "home",
  "corp",
  "private",
  "arpa",
  "onion",
  "test",
  "invalid",
  "example",
  "alt",
];

/** IANA special-purpose blocks, refused even where ipaddr.js might call them unicast. */
const NON_PUBLIC_BLOCKS = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.88.99.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "240.0.0.0/4",
  "64:ff9b::/96",
  "64:ff9b:1::/48",
  "100::/64",
  "2001::/23",
  "2001:db8::/32",
  "2002::/16",
  "3fff::/20",
  "5f00::/16",
].map((cidr) => ipaddr.parseCIDR(cidr));
/** Only this IPv6 block is allocated for global unicast; the rest of the space is reserved. */
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");

type Address = ipaddr.IPv4 | ipaddr.IPv6;

const v4 = (high: number, low: number) =>
  new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

/** IPv4 addresses carried inside an IPv6 one: mapped, compatible, NAT64, 6to4, Teredo. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4[] {
  const p = address.parts as [number, number, number, number, number, number, number, number];
  const zeros = (n: number) => p.slice(0, n).every((part) => part === 0);
  const tail = v4(p[6], p[7]);
  const found: ipaddr.IPv4[] = [];
  if (zeros(5) && (p[5] === 0xffff || p[5] === 0)) found.push(tail); // ::ffff:a.b.c.d, ::a.b.c.d
  if (zeros(4) && p[4] === 0xffff && p[5] === 0) found.push(tail); // ::ffff:0:a.b.c.d
  if (p[0] === 0x64 && p[1] === 0xff9b) {
    found.push(tail); // 64:ff9b::/96
    if (p[2] === 1) found.push(new ipaddr.IPv4([p[3] >> 8, p[3] & 0xff, p[4] & 0xff, p[5] >> 8])); // /48
  }
  if (p[0] === 0x2002) found.push(v4(p[1], p[2])); // 6to4
  if (p[0] === 0x2001 && p[1] === 0) found.push(v4(p[6] ^ 0xffff, p[7] ^ 0xffff)); // Teredo client
  return found;
}

/** ipaddr.js range names, as the refusal says them. */
const RANGE_WORDS: Record<string, string> = {
  linkLocal: "link-local",
  carrierGradeNat: "carrier-grade NAT",
  uniqueLocal: "unique-local",
  ipv4Mapped: "IPv4-mapped",
  rfc6145: "IPv4-translated",
  rfc6052: "NAT64",
  deprecatedSiteLocal: "site-local",
};

/** Why the address is not a public unicast one ("<address> is …"), or null when it is. */
function addressProblem(address: Address): string | null {
  if (address.kind() === "ipv6") {
    for (const inner of embeddedIPv4(address as ipaddr.IPv6)) {
      const problem = addressProblem(inner);
      if (problem) return `an IPv6 form of ${inner.toString()} (${problem})`;
    }
  }
  const range = address.range();
  if (range !== "unicast") return RANGE_WORDS[range] ?? range;
  if (address.kind() === "ipv6" && !address.match(GLOBAL_UNICAST_V6))
    return "outside the global unicast space";
  const block = NON_PUBLIC_BLOCKS.find(
    ([network, bits]) => network.kind() === address.kind() && address.match(network, bits),
  );
  return block ? `special-purpose (${block[0].toString()}/${block[1]})` : null;
}

/** Why a host name may not be called, before any lookup, or null. */
function nameProblem(host: string): string | null {
  if (host.endsWith(".")) return "a name ending in a dot";
  if (!host.includes(".")) return "a single-label name";
  const special = SPECIAL_USE_SUFFIXES.find((s) => host === s || host.endsWith(`.${s}`));
  return special ? `a special-use name (.${special})` : null;
}

/** The host as an IP address when it is one ("unreadable" for an IPv6 literal ipaddr.js cannot read). */
function ipLiteral(host: string): Address | "unreadable" | null {
  if (host.startsWith("[")) {
    const inner = host.slice(1, -1);
    return ipaddr.IPv6.isValid(inner) ? ipaddr.IPv6.parse(inner) : "unreadable";
  }
  // URL has already turned every other IPv4 spelling (decimal, hex, short) into four parts
  return ipaddr.IPv4.isValidFourPartDecimal(host) ? ipaddr.IPv4.parse(host) : null;
}

const dohAnswer = z.object({
  Status: z.number(),
  Answer: z.array(z.object({ type: z.number(), TTL: z.number(), data: z.string() })).optional(),
});
const RECORD_TYPES = { A: 1, AAAA: 28 } as const;

/** One DNS-over-HTTPS question in the JSON format (`application/dns-json`). */
async function ask(resolver: string, name: string, type: keyof typeof RECORD_TYPES) {
  const url = new URL(resolver);
  url.searchParams.set("name", name);
  url.searchParams.set("type", type);
  const response = await fetch(url, {
    headers: { accept: "application/dns-json" },
    signal: AbortSignal.timeout(RESOLVE_TIMEOUT_MS),
  }).catch(() => null);
  const parsed = dohAnswer.safeParse(await response?.json().catch(() => null));
  // NOERROR and NXDOMAIN are answers; anything else (SERVFAIL, refused, garbage) is not
  if (!response?.ok || !parsed.success || ![0, 3].includes(parsed.data.Status)) return null;
  const records = (parsed.data.Answer ?? []).filter((r) => r.type === RECORD_TYPES[type]);
  return { addresses: records.map((r) => r.data), ttl: Math.min(...records.map((r) => r.TTL)) };
}

const resolvedNames = new Map<string, { addresses: string[]; expiresAt: number }>();

/** A and AAAA answers for the name, cached by their TTL (at most 5 minutes); null when unresolvable. */
async function resolve(env: Env, name: string): Promise<string[] | null> {
  const resolver = env.DOH_RESOLVER_URL || DEFAULT_RESOLVER;
  const key = `${resolver} ${name}`;
  const cached = resolvedNames.get(key);
  if (cached && cached.expiresAt > Date.now()) return cached.addresses;
  const [a, aaaa] = await Promise.all([ask(resolver, name, "A"), ask(resolver, name, "AAAA")]);
  if (!a || !aaaa) return null;
  const addresses = [...a.addresses, ...aaaa.addresses];
  if (addresses.length === 0) return null;
  const seconds = Math.min(a.ttl, aaaa.ttl, MAX_CACHE_SECONDS);
  if (seconds > 0) {
    if (resolvedNames.size >= CACHE_LIMIT) resolvedNames.clear();
    resolvedNames.set(key, { addresses, expiresAt: Date.now() + seconds * 1000 });
  }
  return addresses;
}

const notPublic = (why: string) => new TargetRefused(`must be a public address (${why})`);

function exemptOrigins(env: Env) {
  return new Set(
    (env.PRIVATE_TARGET_ORIGINS ?? "").split(",").flatMap((entry) => {
      const url = URL.parse(entry.trim());
      return url ? [url.origin] : [];
    }),
  );
}

function parseTarget(url: string): URL {
  const target = URL.parse(url);
  if (!target || !["http:", "https:"].includes(target.protocol))
    throw new TargetRefused("must be an http or https URL");
  if (target.username || target.password)
    throw new TargetRefused("must not carry a user name or password");
  return target;
}

/** The URL, parsed, when Conversa may call it; otherwise throws TargetRefused saying why. */
export async function checkTarget(env: Env, url: string): Promise<URL> {
  const target = parseTarget(url);
  if (exemptOrigins(env).has(target.origin)) return target;
  const host = target.hostname;
  const literal = ipLiteral(host);
  if (literal) {
    const problem = literal === "unreadable" ? "unreadable" : addressProblem(literal);
    if (problem) throw notPublic(`${host} is ${problem}`);
    return target;
  }
  const problem = nameProblem(host);
  if (problem) throw notPublic(`${host} is ${problem}`);
  const addresses = await resolve(env, host);
  if (!addresses) throw notPublic(`${host} could not be resolved`);
  for (const address of addresses) {
    const refused = ipaddr.isValid(address) ? addressProblem(ipaddr.parse(address)) : "unreadable";
    if (refused) throw notPublic(`${host} resolves to ${address} (${refused})`);
  }
  return target;
}

/** The field error a refused URL gives (`path` names the field), or null when it may be called. */
export async function targetFieldError(env: Env, url: string, path: string) {
  try {
    await checkTarget(env, url);
    return null;
  } catch (error) {
    if (error instanceof TargetRefused) return { path, message: error.message };
    throw error;
  }
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * fetch for user-chosen URLs: the target is checked first, and redirects are followed by hand
 * for GET and HEAD only (each hop checked, headers dropped when the origin changes); other
 * methods get the redirect answer itself. Throws TargetRefused when a hop is refused.
 */
export async function fetchTarget(env: Env, url: string, init: RequestInit = {}) {
  let target = await checkTarget(env, url);
  let request: RequestInit = { ...init, redirect: "manual" };
  const followable = ["GET", "HEAD"].includes((init.method ?? "GET").toUpperCase());
  for (let hop = 0; ; hop++) {
    const response = await fetch(target, request);
    const location = response.headers.get("location");
    if (!followable || !REDIRECTS.has(response.status) || !location) return response;
    await response.body?.cancel();
    if (hop >= MAX_REDIRECTS) throw new TargetRefused("redirected too many times");
    const next = await checkTarget(env, new URL(location, target).href).catch((error) => {
      throw error instanceof TargetRefused
        ? new TargetRefused(`redirected to an address that ${error.message}`)
        : error;
    });
    if (next.origin !== target.origin) request = { ...request, headers: undefined };
    target = next;
  }
}

/** fetchTarget bound to an environment, for code that has none of its own (channel adapters). */
export type TargetFetch = (url: string, init?: RequestInit) => Promise<Response>;
export const targetFetch =
  (env: Env): TargetFetch =>
  (url, init) =>
    fetchTarget(env, url, init);

const EXCERPT_CHARS = 200;
const EXCERPT_BYTES = 2048;

/** Printable text only (controls and format characters dropped, whitespace runs as one space), bounded. */
export function excerpt(text: string, maxChars = EXCERPT_CHARS): string {
  const printable = text.replace(/\s+/g, " ").replace(/\p{C}/gu, "").trim();
  const chars = [...printable];
  return chars.length > maxChars ? `${chars.slice(0, maxChars).join("")}…` : printable;
}

/** The start of a target's answer as a short excerpt; the rest is never read. */
export async function readExcerpt(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < EXCERPT_BYTES) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return excerpt(new TextDecoder().decode(bytes.subarray(0, EXCERPT_BYTES)));
}
