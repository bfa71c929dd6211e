#!/usr/bin/env node
// After `npm install` or `npm ci`: generates the Prisma client and compiles the
// gateway to dist/, which `npm start` runs with plain node. A production
// install (`npm ci --omit=dev`, perhaps where only dist/ was copied) builds
// nothing: it runs the dist/ an earlier full install built.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const has = (path) => existsSync(new URL(`../${path}`, import.meta.url));

function run(script) {
  const result = spawnSync(process.execPath, [fileURLToPath(new URL(script, import.meta.url))], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const omitted = (process.env.npm_config_omit ?? '').split(/[\s,]+/).includes('dev');
const buildable = ['src/main.ts', 'tsconfig.build.json', 'node_modules/prisma', 'node_modules/typescript'].every(has);
if (omitted || !buildable) {
  if (!has('dist/main.js')) {
    console.warn('taskgate: no build tools (a production install) and no dist/: run `npm ci` once with dev dependencies to build it');
  }
  process.exit(0);
}
run('./prisma-generate.mjs');
run('./build.mjs');
