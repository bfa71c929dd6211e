import { withConnection } from './sql-connection.ts';

/** A catalog entry of the scenario's own, so its queue holds only the tasks it made: the catalog is data. */
export async function benchModel(databaseUrl: string, name: string): Promise<string> {
  await withConnection(databaseUrl, (client) =>
    client.query(`INSERT INTO "Model" (name, price, "pendingCancel", "refundCutoff") VALUES ($1, 1, 'FREE', 0.5) ON CONFLICT (name) DO NOTHING`, [name]),
  );
  return name;
}
