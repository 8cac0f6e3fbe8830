// `npm run lock:complete`: npm leaves out of package-lock.json the other platforms' builds of
// optional native packages (biome, workerd) when its registry does not list them, and then
// `npm ci` refuses the lock. This adds those entries (os/cpu only, never fetched here).
import { readFileSync, writeFileSync } from "node:fs";

const file = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(file, "utf8"));
const packages = lock.packages;

function platformOf(name) {
  let base = name.split("/").at(-1);
  const musl = base.endsWith("-musl");
  if (musl) base = base.slice(0, -"-musl".length);
  const match = base.match(/(android|darwin|linux|win32|windows)-(arm64|x64|64)$/);
  if (!match) return null;
  return {
    os: match[1] === "windows" ? "win32" : match[1],
    cpu: match[2] === "64" ? "x64" : match[2],
    musl,
  };
}

/** Where Node would find `dep` from the package at `key`: its own node_modules, then upward. */
function lookupPaths(key, dep) {
  const paths = [];
  let dir = key;
  while (dir) {
    paths.push(`${dir}/node_modules/${dep}`);
    dir = dir.includes("/node_modules/") ? dir.slice(0, dir.lastIndexOf("/node_modules/")) : "";
  }
  paths.push(`node_modules/${dep}`);
  return paths;
}

let added = 0;
for (const [key, entry] of Object.entries(packages)) {
  for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const nearest = lookupPaths(key, dep).find((p) => packages[p]);
    if (nearest && packages[nearest].version === version) continue;
    const platform = platformOf(dep);
    if (!platform) continue;
    const target = `${key.slice(0, key.lastIndexOf("node_modules/"))}node_modules/${dep}`;
    if (packages[target]) continue;
    packages[target] = {
      version,
      cpu: [platform.cpu],
      ...(entry.dev ? { dev: true } : {}),
      ...(platform.musl ? { libc: ["musl"] } : {}),
      ...(entry.engines ? { engines: entry.engines } : {}),
      license: entry.license ?? "MIT",
      optional: true,
      os: [platform.os],
    };
    added++;
  }
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added} platform entries`);
