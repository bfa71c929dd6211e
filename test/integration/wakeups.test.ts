import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryOnce } from '../../src/db/query-once.ts';
import { CHANNEL, startWakeups, type Wakeups } from '../../src/events/wakeups.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

async function waitFor(check: () => boolean, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('event wake-ups', () => {
  it('are sent coalesced: a burst of commits makes far fewer NOTIFYs, and every instance wakes', async () => {
    let wakes = 0;
    const wakeups: Wakeups = startWakeups({ url: database.url, onWake: () => {
        wakes += 1;
      }, coalesceMs: 50 });
    try {
      await waitFor(() => wakes >= 1);
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
      } });
    try {
      await waitFor(() => wakes >= 1);
      await queryOnce(
        database.url,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN ${CHANNEL}' AND datname = current_database()`,
      );
      const afterKill = wakes;
      await waitFor(() => wakes > afterKill);
      const reconnected = wakes;
      await queryOnce(database.url, `NOTIFY ${CHANNEL}`);
      await waitFor(() => wakes > reconnected);
    } finally {
      await wakeups.stop();
    }
  });
});
