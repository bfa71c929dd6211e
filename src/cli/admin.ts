import { parseArgs } from 'node:util';
import { readConfig } from '../config.ts';
import { connectDatabase, disconnectDatabase } from '../db/client.ts';
import { openDatabase } from '../db/open-database.ts';
import { DomainError } from '../domain/errors.ts';
import { COMMANDS } from './admin-commands.ts';

function usage(): string {
  return ['usage: npm run admin -- COMMAND [flags]', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`)].join('\n');
}

/** Exit codes: 0 done, 1 refused (bad input, unknown account), 2 usage. */
async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      credits: { type: 'string' },
      account: { type: 'string' },
      amount: { type: 'string' },
      key: { type: 'string' },
    },
  });
  const command = positionals[0] === undefined ? undefined : COMMANDS[positionals[0]];
  if (!command || positionals.length !== 1) {
    console.error(usage());
    return 2;
  }
  const database = await openDatabase(readConfig());
  connectDatabase(database.url, 2);
  try {
    console.log(JSON.stringify(await command.run(values)));
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    console.error(error.message);
    return 1;
  } finally {
    await disconnectDatabase();
    await database.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(error instanceof TypeError && 'code' in error ? 2 : 1);
  },
);
