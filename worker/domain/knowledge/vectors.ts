/**
 * Embedding vectors as stored on a chunk: scaled to unit length first (`unitVector`, so cosine
 * similarity is a dot product) and kept as Float32 little-endian in base64 — 256 dimensions are
 * 1,368 characters, a fifth of the same vector as JSON numbers.
 */
export function encodeVector(unit: Float32Array): string {
  const view = new DataView(new ArrayBuffer(unit.length * 4));
  for (const [i, value] of unit.entries()) view.setFloat32(i * 4, value, true);
  let binary = "";
  for (const byte of new Uint8Array(view.buffer)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function decodeVector(base64: string): Float32Array {
  const binary = atob(base64);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const vector = new Float32Array(binary.length >> 2);
  for (let i = 0; i < vector.length; i++) vector[i] = view.getFloat32(i * 4, true);
  return vector;
}

/** Cosine similarity of two unit vectors; vectors of different lengths are unrelated (0). */
export function cosine(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

/** The vector scaled to length 1 (a zero vector stays zero). */
export function unitVector(vector: number[]): Float32Array {
  const norm = Math.hypot(...vector) || 1;
  return Float32Array.from(vector, (value) => value / norm);
}
