import { describe, expect, it } from 'vitest';
import { clientOf } from '../helpers/client.ts';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';

const gateway = useTestGateway();

const INPUT_BYTES = 800 * 1024;
const TASKS = 12;

/** `aliases` copies of one page of `first` tasks with their inputs. */
function inputsQuery(aliases: number, first: number): string {
  const page = `tasks(first: ${first}) { ... on TaskConnection { edges { node { id input } } } }`;
  return `{ ${Array.from({ length: aliases }, (_, i) => `p${i}: ${page}`).join(' ')} }`;
}

describe('what one request may make the gateway hold', () => {
  it('a page of large JSON fields is served; ten copies of a larger one (an 800-byte query, once a 324 MiB response) are refused before anything is read', async () => {
    const { apiKey } = await givenAccount(1_000);
    const client = clientOf(gateway, apiKey);
    for (let i = 0; i < TASKS; i++) await client.submit({ model: 'upscale', input: { i, blob: 'x'.repeat(INPUT_BYTES) } });

    const served = await gateway.gql<{ p0: { edges: { node: { input: { blob: string } } }[] } }>(inputsQuery(1, TASKS), {}, apiKey);
    expect(served.errors).toBeUndefined();
    expect(served.data?.p0.edges.map((edge) => edge.node.input.blob.length)).toEqual(Array(TASKS).fill(INPUT_BYTES));

    const hostile = inputsQuery(10, 40);
    expect(hostile.length).toBeLessThan(1_000);
    const refused = await gateway.gql(hostile, {}, apiKey);
    expect(refused.status).toBe(400);
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'complexity' });
  });
});
