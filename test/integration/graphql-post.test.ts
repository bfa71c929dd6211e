import { describe, expect, it } from 'vitest';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { SUBMIT, TASK } from '../helpers/operations.ts';
import { waitUntil } from '../helpers/wait.ts';

const gateway = useTestGateway();

interface Answer {
  status: number;
  contentType: string | null;
  requestId: string | null;
  body: string;
}

/**
 * The same request twice: as JSON, which the gateway answers on node:http
 * directly, and as `application/graphql+json`, the same JSON body that
 * graphql-yoga's own adapter answers. The request id is the caller's, so
 * both answers may be compared whole.
 */
async function bothWays(body: string, accept: string | undefined, key?: string): Promise<{ direct: Answer; yoga: Answer }> {
  const ask = async (contentType: string): Promise<Answer> => {
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: {
        'content-type': contentType,
        'x-request-id': 'same-request',
        ...(accept ? { accept } : {}),
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      },
      body,
    });
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      requestId: response.headers.get('x-request-id'),
      body: await response.text(),
    };
  };
  return { direct: await ask('application/json'), yoga: await ask('application/graphql+json') };
}

const ACCEPTS = [
  undefined,
  '*/*',
  'application/json',
  'application/graphql-response+json',
  'application/graphql-response+json; charset=utf-8, application/json; charset=utf-8',
  'application/json, application/graphql-response+json',
  'application/*',
];

const operation = (query: string, variables?: unknown, extra: Record<string, unknown> = {}) => JSON.stringify({ query, variables, ...extra });

const BODIES: Record<string, string> = {
  'a query': operation('{ models { name price pendingCancel refundCutoff } }'),
  'a query naming its operation': operation('query A { models { name } } query B { __typename }', {}, { operationName: 'A' }),
  'an unknown operation name': operation('query A { models { name } }', {}, { operationName: 'B' }),
  'a syntax error': operation('{ models { name '),
  'an unknown field': operation('{ nothing }'),
  'an argument of the wrong type': operation('{ task(id: 5) { __typename } }'),
  'a variable of the wrong type': operation('query ($id: ID) { task(id: $id) { __typename } }', { id: { nested: true } }),
  'a missing variable': operation('query ($id: ID!) { task(id: $id) { __typename } }', {}),
  'an unknown model': operation(SUBMIT, { input: { model: 'no-such-model', input: {} } }),
  'a task of nobody': operation(TASK, { id: 'VGFzazowMDAwMDAwMC0wMDAwLTAwMDAtMDAwMC0wMDAwMDAwMDAwMDA=' }),
  'both task names': operation(TASK, { id: 'x', outTaskId: 'y' }),
  'too deep': operation(`{ account { ${'... on Account { tasks { edges { node { events { edges { node { task { '.repeat(3)}id${' } } } } } } } }'.repeat(3)} } }`),
  'too costly': operation('{ a: tasks(first: 100) { edges { node { input output } } } b: tasks(first: 100) { edges { node { input output } } } }'),
  'too many aliases': operation(`{ ${Array.from({ length: 40 }, (_, n) => `a${n}: __typename`).join(' ')} }`),
  'no query': JSON.stringify({ variables: {} }),
  'a query that is no string': JSON.stringify({ query: 42 }),
  'variables that are a string': JSON.stringify({ query: '{ __typename }', variables: 'x' }),
  'variables that are a list': JSON.stringify({ query: '{ __typename }', variables: [1] }),
  'extensions that are a number': JSON.stringify({ query: '{ __typename }', extensions: 3 }),
  'an unexpected parameter': JSON.stringify({ query: '{ __typename }', other: 1 }),
  'a body that is not JSON': '{ "query": ',
  'a body that is a list': JSON.stringify([{ query: '{ __typename }' }]),
  'a body that is null': 'null',
  'a body that is a number': '7',
};

describe('POST of JSON, served on node:http directly', () => {
  it.each(Object.entries(BODIES))('answers %s exactly as graphql-yoga does, whatever the Accept', async (_name, body) => {
    const { apiKey } = await givenAccount();
    for (const accept of ACCEPTS) {
      const { direct, yoga } = await bothWays(body, accept, apiKey);
      expect({ accept, ...direct }).toEqual({ accept, ...yoga });
      expect(direct.requestId).toBe('same-request');
    }
  });

  it('answers a caller without a key, or with an unknown one, exactly as graphql-yoga does', async () => {
    for (const key of [undefined, 'tg_api_unknown']) {
      const { direct, yoga } = await bothWays(operation(TASK, { outTaskId: 'x' }), 'application/graphql-response+json', key);
      expect(direct).toEqual(yoga);
    }
  });

  it('reads a task with every field as graphql-yoga does', async () => {
    const { apiKey } = await givenAccount();
    const submitted = await gateway.gql<{ submitTask: { id: string } }>(SUBMIT, { input: { model: 'upscale', input: { n: 1 } } }, apiKey);
    const id = submitted.data?.submitTask.id;
    expect(id).toBeDefined();
    const { direct, yoga } = await bothWays(operation(TASK, { id }), undefined, apiKey);
    expect(direct).toEqual(yoga);
    expect(JSON.parse(direct.body)).toMatchObject({ data: { task: { __typename: 'Task', id, state: 'PENDING' } } });
  });

  it('refuses a subscription asked for as one JSON answer 406, either way, and frees its listener', async () => {
    const { apiKey } = await givenAccount();
    const before = gateway.events.listenerCount;
    for (const accept of ['application/json', 'application/graphql-response+json', 'application/*']) {
      const { direct, yoga } = await bothWays(operation('subscription { taskEvents { type } }'), accept, apiKey);
      expect(direct).toEqual(yoga);
      expect(direct.status).toBe(406);
    }
    // Nothing reads those streams, so nothing else would ever end them.
    await waitUntil(() => gateway.events.listenerCount === before);
  });

  it('serves a subscription to a client that accepts anything as server-sent events', async () => {
    const { apiKey } = await givenAccount();
    const before = gateway.events.listenerCount;
    const stop = new AbortController();
    const response = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: '*/*', authorization: `Bearer ${apiKey}` },
      body: operation('subscription { taskEvents { type } }'),
      signal: stop.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await waitUntil(() => gateway.events.listenerCount === before + 1);
    stop.abort();
    await waitUntil(() => gateway.events.listenerCount === before);
  });
});
