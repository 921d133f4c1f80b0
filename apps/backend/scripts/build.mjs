// Builds every service entrypoint and the start command into dist/ as plain JavaScript, so production
// starts Node directly instead of a transpiler (hundreds of milliseconds and a launcher process per
// service). GoChat's own packages are bundled in, and so are the npm packages made of hundreds of small
// ES modules that every service loads at start (OpenTelemetry, zod, tRPC): resolving, reading and linking
// them one file at a time was a fifth to a quarter of a service's start-up. Everything else stays an
// import: the packages OpenTelemetry patches as they load (kafkajs, socket.io, Prisma), those that read
// files of their own at run time (PGlite, Prisma's engines), and sdk-node, which is loaded only for
// configurations GoChat does not build itself.
import { build } from "esbuild";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, URL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const outdir = fileURLToPath(new URL("../dist/", import.meta.url));
const BUNDLED_NPM_PACKAGES = /^(@opentelemetry\/(?!sdk-node(\/|$))|zod(\/|$)|@trpc\/)/;

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
  // Stack traces need only the mappings; the sources would make every map Node reads several times larger.
  sourcesContent: false,
  // Chunks sit beside the entries: dist/ is as deep as src/<service>/, so paths built from
  // import.meta.url (the repository root, the data directory) resolve the same from both.
  chunkNames: "[name]-[hash]",
  logLevel: "warning",
  plugins: [
    {
      name: "npm-packages-external",
      setup(builder) {
        // Bare specifiers only: `#…` are a package's own subpath imports, resolved inside it.
        builder.onResolve({ filter: /^[^./#]/ }, (args) =>
          args.path.startsWith("@gochat/") || BUNDLED_NPM_PACKAGES.test(args.path)
            ? undefined
            : { path: args.path, external: true },
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
