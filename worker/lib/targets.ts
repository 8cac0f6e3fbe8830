/**
 * Outbound URLs chosen by users (webhooks, channel base URLs) must not reach loopback, private,
 * link-local or unique-local networks, except where ALLOW_PRIVATE_TARGETS is set (local dev, tests).
 */
const PRIVATE_V4 = [
  /^127\./,
  /^10\./,
  /^192\.168\./,
  /^172\.(1[6-9]|2\d|3[01])\./,
  /^169\.254\./,
  /^0\./,
  /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./,
];
const PRIVATE_NAMES = [/^localhost$/i, /\.localhost$/i, /\.internal$/i, /\.local$/i];

function isPrivateV6(host: string) {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (!h.includes(":")) return false;
  if (h === "::" || h === "::1") return true;
  if (/^f[cd][0-9a-f]{2}:/.test(h) || /^fe[89ab][0-9a-f]:/.test(h)) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h)?.[1];
  return mapped ? PRIVATE_V4.some((r) => r.test(mapped)) : false;
}

export function isPrivateHost(hostname: string) {
  return (
    PRIVATE_NAMES.some((r) => r.test(hostname)) ||
    PRIVATE_V4.some((r) => r.test(hostname)) ||
    isPrivateV6(hostname)
  );
}

export const privateTargetsAllowed = (env: Env) => env.ALLOW_PRIVATE_TARGETS === "true";

/** True when the URL may be called from here. */
export function isAllowedTarget(env: Env, url: string) {
  if (privateTargetsAllowed(env)) return true;
  try {
    return !isPrivateHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
