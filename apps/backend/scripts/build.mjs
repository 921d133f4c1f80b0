// Builds every service entrypoint and the start command into dist/ as plain JavaScript, so production
// starts Node directly instead of a transpiler (hundreds of milliseconds and a launcher process per
// service). GoChat's own packages are bundled in; everything from npm stays an import, so OpenTelemetry
// can still patch kafkajs, socket.io and http as they are loaded.
import { build } from "esbuild";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, URL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const outdir = fileURLToPath(new URL("../dist/", import.meta.url));

const result = await build({
  metafile: true,
  absWorkingDir: root,
  entryPoints: {
    start: "src/start.ts",
    repo: "src/repo/main.ts",
    logic: "src/logic/main.ts",
    task: "src/task/main.ts",
    gateway: "src/gateway/main.ts",
    notify: "src/notify/main.ts",
    analytics: "src/analytics/main.ts",
    traces: "src/traces/main.ts",
    broker: "src/broker/main.ts",
    probe: "src/probe/main.ts",
    demo: "src/demo/main.ts",
    "source-maps": "src/source-maps.ts",
  },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node24",
  sourcemap: true,
  // Chunks sit beside the entries: dist/ is as deep as src/<service>/, so paths built from
  // import.meta.url (the repository root, the data directory) resolve the same from both.
  chunkNames: "[name]-[hash]",
  logLevel: "warning",
  plugins: [
    {
      name: "npm-packages-external",
      setup(builder) {
        builder.onResolve({ filter: /^[^./]/ }, (args) =>
          args.path.startsWith("@gochat/") ? undefined : { path: args.path, external: true },
        );
      },
    },
  ],
});

// A system already running from dist/ loads its chunks lazily, so the previous build's files stay for a
// while rather than vanishing under it; older leftovers are removed.
const written = new Set(Object.keys(result.metafile.outputs).map((path) => join(root, path)));
const stale = Date.now() - 60 * 60 * 1000;
for (const name of readdirSync(outdir)) {
  const path = join(outdir, name);
  if (!written.has(path) && statSync(path).mtimeMs < stale) rmSync(path, { force: true });
}
