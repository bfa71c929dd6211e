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

/**
 * One line an operator can act on, never a stack or the library's own
 * multi-line report (Prisma's names source files and prints code frames).
 */
function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? ` (${error.code})` : '';
  // Prisma's report ends with what went wrong; its first lines say where in the code.
  return `taskgate admin: ${(/prisma/i.test(text) ? lines.at(-1) : lines[0]) ?? 'failed'}${code}`;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(oneLine(error));
    process.exit(error instanceof TypeError && 'code' in error ? 2 : 1);
  },
);
