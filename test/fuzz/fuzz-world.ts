import { createApiKey } from '../../src/services/accounts.ts';
import { revokeKey } from '../../src/auth/revocation.ts';
import { clientOf } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import type { TestGateway } from '../helpers/gateway.ts';
import { workerOf } from '../helpers/worker.ts';
import type { Dictionary } from './input-values.ts';
import type { Random } from './random.ts';

/** An Authorization header value, and whether it carries a live API key (what a WebSocket needs). */
export interface Authorization {
  header: string | undefined;
  client: boolean;
}

/** What random operations are sent with: every kind of key, and ids the server really issued. */
export interface FuzzWorld {
  accountId: string;
  apiKey: string;
  workerKey: string;
  /** A task of the account that the storms leave alone, to check the gateway still answers right. */
  knownTaskId: string;
  dictionary: Dictionary;
  /** Authorization header values besides the account's own key: none, a worker's, revoked, unknown and malformed ones. */
  authorizations: Authorization[];
}

const PAGES = `query {
  tasks(first: 50) { ... on TaskConnection { edges { cursor node { id events { edges { cursor node { cursor } } } } } } }
  account { ... on Account { ledger(first: 50) { edges { cursor } } } }
}`;

interface Pages {
  tasks: { edges: { cursor: string; node: { id: string; events: { edges: { cursor: string; node: { cursor: string } }[] } } }[] };
  account: { ledger: { edges: { cursor: string }[] } };
}

/** An account with tasks in every state, another account's task, a worker, and revoked keys of both kinds. */
export async function givenFuzzWorld(gateway: TestGateway): Promise<FuzzWorld> {
  const account = await givenAccount(1_000_000);
  const stranger = await givenAccount(1_000);
  const worker = await givenWorker();
  const client = clientOf(gateway, account.apiKey);
  const work = workerOf(gateway, worker.workerKey);

  const known = await client.submit({ model: 'video-hd', outTaskId: 'fuzz-known', input: { prompt: 'kept' } });
  await client.submit({ model: 'agent-run', outTaskId: 'fuzz-agent' });
  await client.submit({ model: 'upscale', runner: 'SELF_HOSTED', outTaskId: 'fuzz-self-hosted' });
  await client.submit({ model: 'image-fast', outTaskId: 'fuzz-running' });
  const running = await work.claim(['image-fast'], 3_600);
  if (running) await work.progress(running.id, 0.5);
  await client.submit({ model: 'image-fast', outTaskId: 'fuzz-done' });
  const done = await work.claim(['image-fast'], 3_600);
  if (done) await work.complete(done.id, { result: 'fine' });
  await client.submit({ model: 'upscale', outTaskId: 'fuzz-cancelled' });
  await client.cancel({ outTaskId: 'fuzz-cancelled' });
  const foreign = await clientOf(gateway, stranger.apiKey).submit({ model: 'upscale', outTaskId: 'fuzz-known' });

  const revokedApiKey = await createApiKey(account.accountId);
  await revokeKey(revokedApiKey);
  const revokedWorkerKey = (await givenWorker()).workerKey;
  await revokeKey(revokedWorkerKey);

  const pages = await gateway.gql<Pages>(PAGES, {}, account.apiKey);
  if (!pages.data) throw new Error(JSON.stringify(pages.errors));
  const tasks = pages.data.tasks.edges;
  return {
    accountId: account.accountId,
    apiKey: account.apiKey,
    workerKey: worker.workerKey,
    knownTaskId: known.id,
    dictionary: {
      taskIds: [...tasks.map((edge) => edge.node.id), foreign.id],
      outTaskIds: ['fuzz-known', 'fuzz-agent', 'fuzz-self-hosted', 'fuzz-running', 'fuzz-done', 'fuzz-cancelled'],
      eventCursors: tasks.flatMap((edge) => edge.node.events.edges.map((event) => event.node.cursor)),
      pageCursors: [
        ...tasks.map((edge) => edge.cursor),
        ...tasks.flatMap((edge) => edge.node.events.edges.map((event) => event.cursor)),
        ...pages.data.account.ledger.edges.map((edge) => edge.cursor),
      ],
    },
    authorizations: [
      ...[
        undefined,
        `Bearer ${worker.workerKey}`,
        `Bearer ${revokedApiKey}`,
        `Bearer ${revokedWorkerKey}`,
        'Bearer tg_api_unknown',
        `Basic ${Buffer.from('user:pass').toString('base64')}`,
        'Bearer',
        `Bearer ${account.apiKey} ${worker.workerKey}`,
        `Bearer tg_api_${'k'.repeat(4_000)}`,
        `Bearer ${account.apiKey.replace('tg_api_', 'tg_worker_')}`,
      ].map((header) => ({ header, client: false })),
      { header: `Bearer ${stranger.apiKey}`, client: true },
      { header: `bearer   ${account.apiKey}  `, client: true },
    ],
  };
}

/** Half the time the account's own key, so most operations get past authentication; otherwise any other. */
export function authorizationFor(rng: Random, world: FuzzWorld): Authorization {
  return rng.chance(0.5) ? { header: `Bearer ${world.apiKey}`, client: true } : rng.pick(world.authorizations);
}
