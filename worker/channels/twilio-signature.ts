// Twilio's request signature, with WebCrypto only: shared by the adapter (workerd) and the
// check against Twilio's official Node library (test/node).

const encoder = new TextEncoder();

/**
 * What Twilio signs: the URL, then every param as key + value, sorted by key. A repeated key
 * contributes its distinct values in sorted order, as in Twilio's own library.
 */
function signedData(url: string, params: URLSearchParams): string {
  let data = url;
  for (const key of [...new Set(params.keys())].sort()) {
    for (const value of [...new Set(params.getAll(key))].sort()) data += key + value;
  }
  return data;
}

const hmacSha1Key = (authToken: string, usage: "sign" | "verify") =>
  crypto.subtle.importKey(
    "raw",
    encoder.encode(authToken),
    { name: "HMAC", hash: "SHA-1" },
    false,
    [usage],
  );

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0));

/** `X-Twilio-Signature` for a request: base64(HMAC-SHA1(auth token, URL + sorted params)). */
export async function twilioSignature(
  authToken: string,
  url: string,
  params: URLSearchParams,
): Promise<string> {
  const key = await hmacSha1Key(authToken, "sign");
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(signedData(url, params)));
  return toBase64(new Uint8Array(mac));
}

/**
 * Twilio signs the URL as configured, which may name the default port that the received URL
 * omits (or the reverse); both spellings are accepted, as Twilio's own library does.
 */
function urlsTwilioMayHaveSigned(url: string): string[] {
  const [, origin, port, rest] = /^(https?:\/\/[^/?#:]+)(:\d+)?(.*)$/is.exec(url) ?? [];
  if (origin === undefined) return [url];
  const defaultPort = origin.toLowerCase().startsWith("https:") ? ":443" : ":80";
  if (port !== undefined && port !== defaultPort) return [url];
  return [`${origin}${rest}`, `${origin}${defaultPort}${rest}`];
}

const BASE64_SHA1 = /^[A-Za-z0-9+/]{27}=$/;

/**
 * Constant-time check of an `X-Twilio-Signature` header over the URL Twilio requested and the
 * form-encoded body it posted.
 */
export async function verifyTwilioSignature(
  authToken: string,
  url: string,
  formBody: string,
  header: string | null,
): Promise<boolean> {
  if (!header || !BASE64_SHA1.test(header)) return false;
  const signature = fromBase64(header);
  // atob ignores the unused low bits of the last character: accept only the canonical spelling
  if (toBase64(signature) !== header) return false;
  const key = await hmacSha1Key(authToken, "verify");
  const params = new URLSearchParams(formBody);
  for (const candidate of urlsTwilioMayHaveSigned(url)) {
    const data = encoder.encode(signedData(candidate, params));
    if (await crypto.subtle.verify("HMAC", key, signature, data)) return true;
  }
  return false;
}
