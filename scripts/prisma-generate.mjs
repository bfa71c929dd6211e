#!/usr/bin/env node
// Prisma's CLI insists on a native schema engine for every command, although
// `generate` only needs its WASM build. Where no engine is configured we point
// it at this file, so a fresh clone generates the client without downloads.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';

const result = spawnSync('npx', ['--no-install', 'prisma', 'generate'], { env, stdio: 'inherit' });
process.exit(result.status ?? 1);
