import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build for Pothos and yoga; our files must share
    // that one instance, not the ESM build Vite would pick, or `instanceof` checks fail.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    // Only the exit-code tests set it, to run a fixture that lives outside the suite through `npm test`.
    include: process.env.TASKGATE_TEST_INCLUDE ? [process.env.TASKGATE_TEST_INCLUDE] : ['test/**/*.test.ts'],
    globalSetup: ['test/setup/postgres.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
