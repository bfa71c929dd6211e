import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { DemoCredentials } from '../services/seed-demo.ts';

/**
 * Keys are stored hashed, so the demo keys are kept in the data dir (owner-only)
 * to be shown again on later starts.
 */
export async function rememberDemoCredentials(dataDir: string, credentials: DemoCredentials): Promise<void> {
  await writeFile(path.join(dataDir, 'demo-credentials.json'), JSON.stringify(credentials, null, 2), { mode: 0o600 });
}

export async function recallDemoCredentials(dataDir: string): Promise<DemoCredentials | undefined> {
  const file = path.join(dataDir, 'demo-credentials.json');
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as DemoCredentials) : undefined;
}
