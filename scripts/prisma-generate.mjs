#!/usr/bin/env node
// Prisma's CLI insists on a native schema engine for every command, although
// `generate` only needs its WASM build. Where no engine is configured we point
// it at this file, so a fresh clone generates the client without downloads.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';

const manifest = createRequire(import.meta.url).resolve('prisma/package.json');
const cli = path.join(path.dirname(manifest), 'build', 'index.js');
const result = spawnSync(process.execPath, [cli, 'generate'], { env, stdio: 'inherit' });
process.exit(result.status ?? 1);
