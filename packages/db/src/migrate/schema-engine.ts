import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import * as bindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";

export type { SchemaEngine };

/** Collects the message of a Rust panic; without it a panic surfaces as an opaque TypeError. */
class PanicRegistry {
  message = "";
  set_message(value: string): void {
    this.message = value;
  }
}

const panics = new PanicRegistry();
let loading: Promise<void> | undefined;

type WasmRuntime = {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, unknown>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

/** Node's WebAssembly global, typed here because this package compiles without the DOM library. */
function wasmRuntime(): WasmRuntime {
  return (globalThis as unknown as { WebAssembly: WasmRuntime }).WebAssembly;
}

/**
 * The package is shaped for bundlers (`import * as wasm from "./…_bg.wasm"`), which Node cannot do: the
 * module is instantiated by hand with the JS glue as its import object, as its generated entry would.
 */
function loadWasm(): Promise<void> {
  loading ??= (async () => {
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry }).PRISMA_WASM_PANIC_REGISTRY = panics;
    const require = createRequire(import.meta.url);
    const wasmPath = require.resolve("@prisma/schema-engine-wasm/schema_engine_bg").replace(/\.js$/, ".wasm");
    const { instance } = await wasmRuntime().instantiate(await readFile(wasmPath), {
      "./schema_engine_bg.js": bindings,
    });
    const exports = instance.exports as { __wbindgen_start: () => void };
    bindings.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
  })();
  return loading;
}

export function takePanicMessage(): string {
  const message = panics.message;
  panics.message = "";
  return message;
}

export type EngineLog = (line: string) => void;

/**
 * Starts Prisma's schema engine (the same Rust engine the CLI runs, built for WASM) on a driver adapter.
 * The engine leaves a timer running, so a command-line caller must exit explicitly when done.
 */
export async function startSchemaEngine(
  schemaPath: string,
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  log: EngineLog = () => undefined,
): Promise<SchemaEngine> {
  await loadWasm();
  const schema = await readFile(schemaPath, "utf8");
  return bindings.SchemaEngine.new(
    { datamodels: [[schemaPath, schema]] },
    (line: string) => {
      log(line);
    },
    bindMigrationAwareSqlAdapterFactory(adapterFactory),
  );
}
