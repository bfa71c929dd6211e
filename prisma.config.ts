import { defineConfig } from 'prisma/config';

// Used by Prisma's CLI only (generate, and migrate deploy where its native engine
// is installed); the gateway applies the same migrations itself on start.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? '' },
});
