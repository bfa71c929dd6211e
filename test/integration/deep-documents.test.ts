import { describe, expect, it } from 'vitest';
import { nestingOf } from '../../src/http/nesting-limit.ts';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { subscribeWs, wsClient } from '../helpers/subscriptions.ts';

const gateway = useTestGateway();

/** 3,000 nested selections, well under the token limit in characters: a few kilobytes. */
const DEEP_SELECTIONS = `{ ${'a { '.repeat(3_000)}${'} '.repeat(3_000)}}`;
/** A list literal 2,100 deep as an argument. */
const DEEP_LIST = `mutation { submitTask(input: { model: "upscale", input: ${'['.repeat(2_100)}${']'.repeat(2_100)} }) { __typename } }`;

async function post(query: string, accept: string): Promise<{ status: number; body: { errors?: { extensions?: Record<string, unknown> }[] } }> {
  const response = await fetch(gateway.url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query }) });
  return { status: response.status, body: (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] } };
}

describe('documents nested deeper than the parser can take', () => {
  it('measure their nesting outside strings and comments', () => {
    expect(nestingOf('{ a(b: "{{{[[[") { c { d } } } # {{{{')).toBe(3);
    expect(nestingOf('{ a(b: """ {{{ \\""" [[[ """) }')).toBe(2);
  });

  it.each([
    ['3,000 nested selections', DEEP_SELECTIONS],
    ['a list literal 2,100 deep', DEEP_LIST],
  ])('%s: refused as a limit of that request alone, every time, never a 500', async (_name, query) => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const strict = await post(query, 'application/graphql-response+json');
      expect(strict.status).toBe(400);
      expect(strict.body.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'nesting' });
    }
    expect((await post('{ models { name } }', 'application/graphql-response+json')).status).toBe(200);
  });

  it('over WebSocket: an error for that operation, while the others on the socket go on', async () => {
    const { apiKey } = await givenAccount(10);
    const socket = wsClient(gateway.url, apiKey);
    try {
      const steady = subscribeWs<{ taskEvents: { type: string } }>(socket, 'subscription { taskEvents { type } }');
      const deep = subscribeWs(socket, `subscription ${DEEP_SELECTIONS}`);
      expect((await deep.next())?.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'nesting' });
      await gateway.gql('mutation { submitTask(input: { model: "upscale" }) { __typename } }', {}, apiKey);
      expect((await steady.next())?.data?.taskEvents.type).toBe('SUBMITTED');
    } finally {
      await socket.dispose();
    }
  });
});
