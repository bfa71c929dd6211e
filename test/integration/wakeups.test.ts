import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryOnce } from '../../src/db/query-once.ts';
import { CHANNEL, startWakeups, type Wakeups } from '../../src/events/wakeups.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { waitUntil } from '../helpers/wait.ts';

let database: TestDatabase;
const QUIET = { failed: () => undefined, succeeded: () => undefined };

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

describe('event wake-ups', () => {
  it('are sent coalesced: a burst of commits makes far fewer NOTIFYs, and every instance wakes', async () => {
    let wakes = 0;
    const wakeups: Wakeups = startWakeups({ url: database.url, onWake: () => {
        wakes += 1;
      }, coalesceMs: 50, connection: QUIET });
    try {
      await waitUntil(() => wakes >= 1);
      const before = wakes;
      for (let i = 0; i < 100; i++) wakeups.notify();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(wakes - before).toBeGreaterThanOrEqual(1);
      expect(wakes - before).toBeLessThanOrEqual(10);
    } finally {
      await wakeups.stop();
    }
  });

  it('come back by themselves after the LISTEN connection is killed', async () => {
    let wakes = 0;
    const wakeups = startWakeups({ url: database.url, onWake: () => {
        wakes += 1;
      }, connection: QUIET });
    try {
      await waitUntil(() => wakes >= 1);
      await queryOnce(
        database.url,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN ${CHANNEL}' AND datname = current_database()`,
      );
      const afterKill = wakes;
      await waitUntil(() => wakes > afterKill);
      const reconnected = wakes;
      await queryOnce(database.url, `NOTIFY ${CHANNEL}`);
      await waitUntil(() => wakes > reconnected);
    } finally {
      await wakeups.stop();
    }
  });
});
