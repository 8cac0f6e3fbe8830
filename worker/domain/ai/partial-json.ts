const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/**
 * A top-level string field of a JSON object still being written: its value so far (decoded,
 * an escape cut in half left out), whether it is complete, or null before it starts.
 */
export function stringFieldSoFar(json: string, field: string) {
  const start = new RegExp(`"${field}"\\s*:\\s*"`).exec(json);
  if (!start) return null;
  let value = "";
  for (let i = start.index + start[0].length; i < json.length; i++) {
    const char = json[i];
    if (char === '"') return { value, complete: true };
    if (char !== "\\") {
      value += char;
      continue;
    }
    const next = json[i + 1];
    if (next === undefined) break;
    if (next === "u") {
      const hex = json.slice(i + 2, i + 6);
      if (hex.length < 4) break;
      value += String.fromCharCode(Number.parseInt(hex, 16));
      i += 5;
      continue;
    }
    value += ESCAPES[next] ?? next;
    i += 1;
  }
  return { value, complete: false };
}
