import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type { ErrorRegistry, SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';

export type { DiffResult } from '@prisma/schema-engine-wasm/schema_engine_bg';
export type SchemaEngine = glue.SchemaEngine;

let initialized = false;
let lastPanic: string | undefined;

// The glue reports Rust panics to this global before trapping.
function installPanicRegistry(): void {
  const registry = { set_message: (message: string): void => void (lastPanic = message) };
  Object.assign(globalThis, { PRISMA_WASM_PANIC_REGISTRY: registry });
}

// The package's entry point imports the .wasm as an ES module, which Node
// only supports behind a flag, so the module is instantiated by hand.
function initWasm(): void {
  if (initialized) return;
  installPanicRegistry();
  const require = createRequire(import.meta.url);
  const glueFile = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
  const bytes = readFileSync(path.join(path.dirname(glueFile), 'schema_engine_bg.wasm'));
  const imports = { './schema_engine_bg.js': glue as unknown as WebAssembly.ModuleImports };
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
  glue.__wbg_set_wasm(instance.exports);
  const start = instance.exports['__wbindgen_start'];
  if (typeof start === 'function') (start as () => void)();
  initialized = true;
}

interface EngineLogLine {
  level?: string;
  fields?: { message?: string };
}

// The engine logs JSON lines through a callback; only warnings and errors are shown.
function logEngineMessage(line: unknown): void {
  if (typeof line !== 'string') return;
  try {
    const parsed = JSON.parse(line) as EngineLogLine;
    if (parsed.level === 'WARN' || parsed.level === 'ERROR') {
      console.error(`[schema-engine] ${parsed.level}: ${parsed.fields?.message ?? line}`);
    }
  } catch {
    console.error(`[schema-engine] ${line}`);
  }
}

// JS exceptions thrown inside the adapter reach the engine only as
// "External error id#N"; put the original message back.
function withExternalErrors(error: unknown, registry: ErrorRegistry): Error {
  const message = error instanceof Error ? error.message : String(error);
  const details = [...message.matchAll(/External error id#(\d+)/g)].map((match) => {
    const record = registry.consumeError(Number(match[1]));
    const cause = record?.error;
    return cause instanceof Error ? (cause.stack ?? cause.message) : String(cause);
  });
  return new Error([message, ...details].join('\n'), { cause: error });
}

// A panic traps inside an engine callback, where it surfaces as an uncaught
// exception instead of a rejection; turn it into one so callers can clean up.
async function rejectOnPanic<T>(work: Promise<T>): Promise<T> {
  const state = { panicked: false };
  let fail: (error: Error) => void = () => undefined;
  const onUncaught = (error: Error): void => {
    if (state.panicked) return; // later traps of the dead instance add nothing
    state.panicked = true;
    fail(lastPanic === undefined ? error : new Error(`Schema engine panicked: ${lastPanic}`, { cause: error }));
  };
  process.on('uncaughtException', onUncaught);
  try {
    return await Promise.race([work, new Promise<never>((_, reject) => (fail = reject))]);
  } finally {
    // After a panic the listener stays, so that late traps cannot end the
    // process before the caller has dropped its scratch databases.
    if (!state.panicked) process.off('uncaughtException', onUncaught);
  }
}

/** Runs `fn` with a WASM schema engine that reaches the database through `adapterFactory`. */
export async function withSchemaEngine<T>(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  schemaFiles: glue.SchemaContainer[],
  fn: (engine: SchemaEngine) => Promise<T>,
): Promise<T> {
  initWasm();
  // The engine expects adapters whose methods return Results instead of throwing.
  const bound = bindMigrationAwareSqlAdapterFactory(adapterFactory);
  const datamodels: [string, string][] = schemaFiles.map((file) => [file.path, file.content]);
  const engine = await glue.SchemaEngine.new({ datamodels }, logEngineMessage, bound);
  try {
    return await rejectOnPanic(fn(engine));
  } catch (error) {
    throw withExternalErrors(error, bound.errorRegistry);
  } finally {
    if (lastPanic === undefined) engine.free(); // a trapped instance cannot be freed
  }
}
