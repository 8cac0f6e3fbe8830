import { base64UrlToBytes, bytesToBase64Url } from "./crypto";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

async function key(env: Env) {
  const raw = base64UrlToBytes(env.SECRETS_KEY);
  if (raw.byteLength !== 32) throw new Error("SECRETS_KEY must be 32 bytes, base64url");
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/** Seals a small object with AES-256-GCM: `v1.<iv>.<ciphertext+tag>`. */
export async function seal(env: Env, value: Record<string, string>): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv },
    await key(env),
    encoder.encode(JSON.stringify(value)),
  );
  return `v1.${bytesToBase64Url(iv)}.${bytesToBase64Url(new Uint8Array(sealed))}`;
}

export async function unseal(env: Env, sealed: string): Promise<Record<string, string>> {
  const [version, iv, data] = sealed.split(".");
  if (version !== "v1" || !iv || !data) throw new Error("not a sealed value");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: base64UrlToBytes(iv) },
    await key(env),
    base64UrlToBytes(data),
  );
  return JSON.parse(decoder.decode(plain)) as Record<string, string>;
}
