import { withConnection } from '../sql-connection.ts';

/** What the gateway's own delivery log says of the attempts to some accounts' endpoints. */
export interface AttemptLog {
  attempts: number;
  /** Attempts by outcome; anything but DELIVERED means a receiver that always answers 204 was not reached. */
  outcomes: Record<string, number>;
  /** Attempts after the first at the same message: retries. */
  repeated: number;
  /** The gateway's time from sending to the response's status, connecting included: whole milliseconds, as logged. */
  exchangeP50Ms: number;
  exchangeP99Ms: number;
}

const ATTEMPTS = `
SELECT a.outcome::text AS outcome, count(*)::int AS count,
       count(*) FILTER (WHERE a.attempt > 1)::int AS repeated,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY a."latencyMs") AS p50,
       percentile_disc(0.99) WITHIN GROUP (ORDER BY a."latencyMs") AS p99
FROM "WebhookAttempt" a JOIN "WebhookEndpoint" w ON w.id = a."endpointId"
WHERE w."accountId" = ANY($1::uuid[])
GROUP BY GROUPING SETS ((a.outcome), ())`;

interface Row {
  outcome: string | null;
  count: number;
  repeated: number;
  p50: number | null;
  p99: number | null;
}

/** The delivery log of every endpoint of the accounts, read straight from the benchmark's database. */
export async function readAttemptLog(databaseUrl: string, accountIds: readonly string[]): Promise<AttemptLog> {
  const rows = await withConnection(databaseUrl, async (client) => (await client.query<Row>(ATTEMPTS, [accountIds])).rows);
  const total = rows.find((row) => row.outcome === null);
  const outcomes: Record<string, number> = {};
  for (const row of rows) if (row.outcome !== null) outcomes[row.outcome] = row.count;
  return {
    attempts: total?.count ?? 0,
    outcomes,
    repeated: total?.repeated ?? 0,
    exchangeP50Ms: total?.p50 ?? Number.NaN,
    exchangeP99Ms: total?.p99 ?? Number.NaN,
  };
}
