// Prints each route's first-load JavaScript after `next build`: the framework's root chunks plus every
// chunk the route's layouts and page need before it is interactive, gzip-compressed as a server sends
// them. Writes the figures to .next/first-load-js.json and fails when a route is over its budget.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import { gzipSync } from "node:zlib";

const BUDGET_KB = { "/chat/[conversationId]": 300 };
const next = join(import.meta.dirname, "..", ".next");
const require = createRequire(import.meta.url);

const build = JSON.parse(readFileSync(join(next, "build-manifest.json"), "utf8"));
const routes = JSON.parse(readFileSync(join(next, "app-path-routes-manifest.json"), "utf8"));
const sizes = new Map();
const gzipped = (file) => {
  if (!sizes.has(file)) sizes.set(file, gzipSync(readFileSync(join(next, file)), { level: 9 }).length);
  return sizes.get(file);
};

const report = {};
for (const [entry, route] of Object.entries(routes)) {
  if (!entry.endsWith("/page") || route.startsWith("/_")) continue;
  globalThis.__RSC_MANIFEST = {};
  require(join(next, "server", "app", `${entry}_client-reference-manifest.js`));
  const manifest = globalThis.__RSC_MANIFEST[entry];
  const files = new Set(build.rootMainFiles);
  for (const chunks of Object.values(manifest.entryJSFiles)) for (const file of chunks) files.add(file);
  const bytes = [...files].reduce((sum, file) => sum + gzipped(file), 0);
  report[route] = { kilobytesGzip: Math.round((bytes / 1024) * 10) / 10, chunks: files.size };
}

const width = Math.max(...Object.keys(report).map((route) => route.length));
console.log("First-load JavaScript (gzip):");
let over = false;
for (const [route, { kilobytesGzip }] of Object.entries(report).sort(([a], [b]) => a.localeCompare(b))) {
  const budget = BUDGET_KB[route];
  const verdict =
    budget === undefined
      ? ""
      : kilobytesGzip <= budget
        ? `  (budget ${budget} KB: ok)`
        : `  (budget ${budget} KB: OVER)`;
  if (budget !== undefined && kilobytesGzip > budget) over = true;
  console.log(`  ${route.padEnd(width)}  ${kilobytesGzip.toFixed(1).padStart(6)} KB${verdict}`);
}
writeFileSync(join(next, "first-load-js.json"), `${JSON.stringify(report, null, 2)}\n`);
if (over) {
  console.error("A route's first-load JavaScript is over its budget.");
  process.exit(1);
}
