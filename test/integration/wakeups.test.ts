import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryOnce } from '../../src/db/query-once.ts';
import { CHANNEL, startWakeups, type Wakeups } from '../../src/events/wakeups.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { waitUntil } from '../helpers/wait.ts';

let database: TestDatabase;
const QUIET = { failed: () => undefined, succeeded: () => undefined };

/** The URL with an application name its sessions carry, so the test can find and kill them. */
function named(url: string, applicationName: string): string {
  const named = new URL(url);
  named.searchParams.set('application_name', applicationName);
  return named.toString();
}

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

describe('event wake-ups', () => {
  it('are sent coalesced: a burst of commits makes far fewer NOTIFYs, heard by the other instances and not by the sender', async () => {
    let heard = 0;
    let ownHeard = 0;
    const listener = startWakeups({ url: database.url, onWake: () => {
        heard += 1;
      }, connection: QUIET });
    const sender: Wakeups = startWakeups({ url: database.url, onWake: () => {
        ownHeard += 1;
      }, coalesceMs: 50, connection: QUIET });
    try {
      await waitUntil(() => listener.connected() && sender.connected() && heard >= 1 && ownHeard >= 1);
      // Each (re)connection wakes its instance once and hints the others; those settle first.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const before = heard;
      const ownBefore = ownHeard;
      for (let i = 0; i < 100; i++) sender.notify();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(heard - before).toBeGreaterThanOrEqual(1);
      expect(heard - before).toBeLessThanOrEqual(10);
      // Its commits woke it before it sent the hints: hearing them back would only wake it again.
      expect(ownHeard).toBe(ownBefore);
    } finally {
      await sender.stop();
      await listener.stop();
    }
  });

  it('come back by themselves after the LISTEN connection is killed', async () => {
    let wakes = 0;
    const wakeups = startWakeups({ url: named(database.url, 'taskgate-wakeups-killed'), onWake: () => {
        wakes += 1;
      }, connection: QUIET });
    try {
      await waitUntil(() => wakes >= 1);
      await queryOnce(database.url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'taskgate-wakeups-killed'`);
      const afterKill = wakes;
      await waitUntil(() => wakes > afterKill);
      const reconnected = wakes;
      await queryOnce(database.url, `NOTIFY ${CHANNEL}`);
      await waitUntil(() => wakes > reconnected);
    } finally {
      await wakeups.stop();
    }
  });

  it('tell the other instances, once reconnected, of commits made while the connection was down', async () => {
    let heard = 0;
    const listener = startWakeups({ url: database.url, onWake: () => {
        heard += 1;
      }, connection: QUIET });
    const sender = startWakeups({ url: named(database.url, 'taskgate-wakeup-sender'), onWake: () => undefined, connection: QUIET });
    try {
      await waitUntil(() => listener.connected() && sender.connected());
      await new Promise((resolve) => setTimeout(resolve, 100));
      await queryOnce(
        database.url,
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'taskgate-wakeup-sender'`,
      );
      await waitUntil(() => !sender.connected());
      const before = heard;
      // A commit on the sender's instance while its connection is down: its hint must not be lost.
      sender.notify();
      await waitUntil(() => sender.connected(), 5_000);
      await waitUntil(() => heard > before, 2_000);
    } finally {
      await sender.stop();
      await listener.stop();
    }
  });
});
