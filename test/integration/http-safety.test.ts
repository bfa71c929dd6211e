import { request } from 'node:http';
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterEach, describe, expect, it } from 'vitest';
import { OPERATION_LIMITS } from '../../src/http/operation-limits.ts';
import { MAX_BODY_BYTES } from '../../src/http/body-limit.ts';
import { QUERY_LIMITS } from '../../src/schema/query-limits.ts';
import { clientOf } from '../helpers/client.ts';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { leaksIn } from '../helpers/leaks.ts';

const gateway = useTestGateway();

const LEGACY = 'application/json';
const GRAPHQL_RESPONSE = 'application/graphql-response+json';
const SOME_UUID = '0190a0a0-0000-7000-8000-000000000000';
const VALID_QUERY = '{ models { name } }';

interface RawResponse {
  status: number;
  contentType: string;
  text: string;
}

interface GraphQLError {
  message: string;
  extensions?: { code?: string; limit?: string };
}

interface Body<T> {
  data?: T | null;
  errors?: GraphQLError[];
}

interface Send {
  method?: 'GET' | 'POST';
  accept?: string;
  contentType?: string;
  body?: string;
  key?: string;
  search?: string;
}

// Every response of a test is kept so that afterEach can check the leaks of all of them.
const responses: RawResponse[] = [];

async function send({ method = 'POST', accept = GRAPHQL_RESPONSE, contentType = 'application/json', body, key, search = '' }: Send) {
  const response = await fetch(gateway.url + search, {
    method,
    headers: {
      accept,
      ...(body === undefined ? {} : { 'content-type': contentType }),
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body,
  });
  const raw = { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
  responses.push(raw);
  return raw;
}

function post(query: string, options: Omit<Send, 'body'> & { variables?: unknown } = {}) {
  const { variables, ...rest } = options;
  return send({ ...rest, body: JSON.stringify({ query, variables }) });
}

function bodyOf<T = Record<string, unknown>>(response: RawResponse): Body<T> {
  return JSON.parse(response.text) as Body<T>;
}

/** The response is a GraphQL-over-HTTP error answer: `status`, JSON, a non-empty `errors` with readable messages. */
function expectErrors(response: RawResponse, status: number): GraphQLError[] {
  expect(response.status).toBe(status);
  expect(response.contentType).toMatch(/^application\/(graphql-response\+)?json/);
  const { errors } = bodyOf(response);
  expect(errors?.length).toBeGreaterThan(0);
  for (const error of errors ?? []) expect(error.message).toMatch(/[A-Za-z]{3}/);
  return errors ?? [];
}

/** The body of a chunked POST (no Content-Length), written in `chunks`. */
function postChunked(chunks: string[], accept = LEGACY): Promise<RawResponse> {
  const url = new URL(gateway.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', accept } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('end', () => {
          const raw = { status: res.statusCode ?? 0, contentType: res.headers['content-type'] ?? '', text: Buffer.concat(parts).toString() };
          responses.push(raw);
          resolve(raw);
        });
      },
    );
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

afterEach(() => {
  for (const response of responses) {
    expect(response.status, response.text).toBeLessThan(500);
    // GraphiQL's page is a static bundle served whole; its code is not a leak of ours.
    if (response.contentType.startsWith('text/html')) continue;
    expect(leaksIn(response.text), response.text).toEqual([]);
  }
  responses.length = 0;
});

async function expectStillServing(): Promise<void> {
  const response = await post(VALID_QUERY);
  expect(response.status).toBe(200);
  expect(bodyOf<{ models: unknown[] }>(response).data?.models.length).toBeGreaterThan(0);
}

/** GraphQL over HTTP: a document that fails is 200 to a client that accepts only application/json, 400 to one that accepts the GraphQL response type. */
function documentFailureStatus(accept: string): number {
  return accept === LEGACY ? 200 : 400;
}

describe.each([LEGACY, GRAPHQL_RESPONSE])('a request that cannot be executed, Accept: %s', (accept) => {
  afterEach(expectStillServing);

  it('answers malformed GraphQL, 400 or 200 by Accept with the syntax error', async () => {
    const [error] = expectErrors(await post('{ models { name ', { accept }), documentFailureStatus(accept));
    expect(error?.message).toMatch(/^Syntax Error/);
  });

  it('answers an unknown field, 400 or 200 by Accept naming the field', async () => {
    const [error] = expectErrors(await post('{ models { name colour } }', { accept }), documentFailureStatus(accept));
    expect(error?.message).toMatch(/"colour"/);
  });

  it('answers an argument literal of the wrong type, 400 or 200 by Accept', async () => {
    const [error] = expectErrors(await post('{ task(id: 5.5) { __typename } }', { accept }), documentFailureStatus(accept));
    expect(error?.message).toMatch(/ID cannot represent/);
  });

  it('answers a variable of the wrong type, 400 or 200 by Accept naming the variable', async () => {
    const query = 'query Task($id: ID) { task(id: $id) { __typename } }';
    const [error] = expectErrors(await post(query, { accept, variables: { id: { not: 'an id' } } }), documentFailureStatus(accept));
    expect(error?.message).toMatch(/\$id/);
  });

  it.each([['an array', [1]], ['a string', 'x'], ['a number', 7]])('answers variables that are %s 400', async (_kind, variables) => {
    const [error] = expectErrors(await post(VALID_QUERY, { accept, variables }), 400);
    expect(error?.message).toMatch(/variables/);
  });

  it('answers a body that is not JSON 400', async () => {
    const [error] = expectErrors(await send({ accept, body: '{"query": "{ models { name } }"' }), 400);
    expect(error?.message).toMatch(/JSON/);
  });

  it('answers a GET with no query 400', async () => {
    const [error] = expectErrors(await send({ method: 'GET', accept }), 400);
    expect(error?.message).toMatch(/query/);
  });

  it('answers a GET with a query 200, as GraphQL over HTTP allows', async () => {
    const response = await send({ method: 'GET', accept, search: `?query=${encodeURIComponent(VALID_QUERY)}` });
    expect(response.status).toBe(200);
    expect(bodyOf(response).data).toHaveProperty('models');
  });

  it.each(['variables', 'extensions'])('answers a GET whose %s parameter is not JSON 400 naming it', async (param) => {
    const search = `?query=${encodeURIComponent(VALID_QUERY)}&${param}=${encodeURIComponent('{"v0":')}`;
    const [error] = expectErrors(await send({ method: 'GET', accept, search }), 400);
    expect(error?.message).toBe(`The ${param} parameter is not valid JSON.`);
  });

  it('answers a form-encoded POST whose variables are not JSON 400', async () => {
    const body = new URLSearchParams({ query: VALID_QUERY, variables: '%' }).toString();
    const [error] = expectErrors(await send({ accept, contentType: 'application/x-www-form-urlencoded', body }), 400);
    expect(error?.message).toBe('The variables parameter is not valid JSON.');
  });

  it('answers a body of an unsupported content type 415', async () => {
    const response = await send({ accept, contentType: 'text/plain', body: VALID_QUERY });
    expect(response.status).toBe(415);
  });
});

describe('the request body limit', () => {
  afterEach(expectStillServing);

  it('answers a body declared over the limit 413 REQUEST_TOO_LARGE', async () => {
    const response = await send({ accept: LEGACY, body: JSON.stringify({ query: `#${'x'.repeat(MAX_BODY_BYTES)}\n${VALID_QUERY}` }) });
    const [error] = expectErrors(response, 413);
    expect(error?.extensions?.code).toBe('REQUEST_TOO_LARGE');
    expect(error?.message).toMatch(String(MAX_BODY_BYTES));
  });

  it('answers a chunked body that grows over the limit 413 REQUEST_TOO_LARGE', async () => {
    const quarter = 'x'.repeat(MAX_BODY_BYTES / 4);
    const response = await postChunked(['{"query":"#', quarter, quarter, quarter, quarter, quarter, `\\n${VALID_QUERY}"}`]);
    const [error] = expectErrors(response, 413);
    expect(error?.extensions?.code).toBe('REQUEST_TOO_LARGE');
  });

  it('executes a small chunked body', async () => {
    const response = await postChunked(['{"query":', JSON.stringify(VALID_QUERY), '}'], GRAPHQL_RESPONSE);
    expect(response.status).toBe(200);
    expect(bodyOf<{ models: { name: string }[] }>(response).data?.models.map((model) => model.name)).toContain('image-fast');
  });
});

/** A query whose deepest field sits at `depth`, counting the root field as 1, through tasks and their events. */
function queryOfDepth(depth: number): string {
  // From a Task, these tails add 1, 2, 3 and 4 levels; a lap Task → events → edges → node → task adds 4.
  const tails = ['state', 'ledgerEntries { kind }', 'events(first: 1) { edges { cursor } }', 'events(first: 1) { edges { node { type } } }'];
  const laps = Math.floor((depth - 4) / 4);
  let selection = tails[depth - 4 - 4 * laps] ?? '';
  for (let lap = 0; lap < laps; lap++) selection = `events(first: 1) { edges { node { task { ${selection} } } } }`;
  return `{ tasks(first: 1) { ... on TaskConnection { edges { node { ${selection} } } } } }`;
}

describe('the operation limits', () => {
  afterEach(expectStillServing);

  it('serves an operation at exactly the depth limit', async () => {
    const { apiKey } = await givenAccount(10);
    await clientOf(gateway, apiKey).submit({ model: 'upscale' });
    const response = await post(queryOfDepth(QUERY_LIMITS.depth), { key: apiKey });
    expect(response.status).toBe(200);
    expect(bodyOf(response).errors).toBeUndefined();
  });

  it('refuses an operation over the depth limit 400 QUERY_TOO_COMPLEX', async () => {
    const { apiKey } = await givenAccount(10);
    const [error] = expectErrors(await post(queryOfDepth(QUERY_LIMITS.depth + 1), { key: apiKey }), 400);
    expect(error).toMatchObject({
      message: `Operation depth ${QUERY_LIMITS.depth + 1} exceeds the limit of ${QUERY_LIMITS.depth}.`,
      extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'depth' },
    });
  });

  it('refuses nested pages whose cost is over the complexity limit 400 QUERY_TOO_COMPLEX', async () => {
    const { apiKey } = await givenAccount(10);
    // Each page is the largest a connection serves; 100 × 100 events already cost more than the limit.
    const query = '{ tasks(first: 100) { ... on TaskConnection { edges { node { events(first: 100) { edges { node { type } } } } } } } }';
    const [error] = expectErrors(await post(query, { key: apiKey }), 400);
    expect(error?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', status: 400, retryable: false, limit: 'complexity' });
    expect(error?.message).toMatch(`exceeds the limit of ${QUERY_LIMITS.complexity}`);
  });

  it('refuses an operation over a limit 200 to a client that accepts only application/json, with no data: nothing ran', async () => {
    const { apiKey } = await givenAccount(10);
    const query = '{ models { name } tasks(first: 100) { ... on TaskConnection { edges { node { events(first: 100) { edges { node { type } } } } } } } }';
    const response = await post(query, { key: apiKey, accept: LEGACY });
    const [error] = expectErrors(response, 200);
    expect(error?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'complexity' });
    expect(bodyOf(response)).not.toHaveProperty('data');
  });

  it('refuses a selection wider than the breadth limit 400 QUERY_TOO_COMPLEX', async () => {
    const query = `{ models { ${'name '.repeat(QUERY_LIMITS.breadth + 1)} } }`;
    const [error] = expectErrors(await post(query), 400);
    expect(error?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', status: 400, retryable: false, limit: 'breadth' });
  });

  it.each([
    ['fields', (i: number) => `m${i}: models { name }`],
    ['__typename', (i: number) => `t${i}: __typename`],
  ])('refuses more aliases of %s than the limit 400 QUERY_TOO_COMPLEX', async (_kind, alias) => {
    const aliases = Array.from({ length: OPERATION_LIMITS.aliases + 1 }, (_, i) => alias(i));
    const [error] = expectErrors(await post(`{ ${aliases.join(' ')} }`), 400);
    expect(error?.message).toBe(`Aliases limit of ${OPERATION_LIMITS.aliases} exceeded, found ${OPERATION_LIMITS.aliases + 1}.`);
    expect(error?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', status: 400, retryable: false, limit: 'aliases' });
  });

  it('refuses more tokens than the limit 400 QUERY_TOO_COMPLEX', async () => {
    const query = `{ models { ${'name '.repeat(OPERATION_LIMITS.tokens)} } }`;
    const [error] = expectErrors(await post(query), 400);
    expect(error?.message).toMatch(new RegExp(`^Token limit of ${OPERATION_LIMITS.tokens} exceeded`));
    expect(error?.extensions).toEqual({ code: 'QUERY_TOO_COMPLEX', status: 400, retryable: false, limit: 'tokens' });
  });
});

/** Ids that name no task of anyone's: each by its own mistake. */
const MALFORMED_TASK_IDS = [
  ['not a global id', 'not-a-global-id'],
  ['the global id of an Account', encodeGlobalID('Account', SOME_UUID)],
  ['a Task global id around something not a uuid', encodeGlobalID('Task', '42')],
];

const TASK_BY = `
  query Task($id: ID, $outTaskId: String) {
    task(id: $id, outTaskId: $outTaskId) { __typename ... on Error { code message } ... on InvalidParamError { param } }
  }`;

describe('bad task ids', () => {
  it.each(MALFORMED_TASK_IDS)('answers task(id:) with %s by InvalidParamError naming "id"', async (_kind, id) => {
    const { apiKey } = await givenAccount(10);
    const response = await post(TASK_BY, { key: apiKey, variables: { id } });
    expect(response.status).toBe(200);
    expect(bodyOf(response)).toEqual({
      data: { task: { __typename: 'InvalidParamError', code: 'INVALID_PARAM', param: 'id', message: expect.stringMatching(/\w/) as string } },
    });
  });

  it.each([
    ['both', { id: encodeGlobalID('Task', SOME_UUID), outTaskId: 'x' }],
    ['neither', {}],
  ])('answers task with %s of id and outTaskId by InvalidParamError', async (_kind, variables) => {
    const { apiKey } = await givenAccount(10);
    const response = await post(TASK_BY, { key: apiKey, variables });
    expect(bodyOf<{ task: unknown }>(response).data?.task).toMatchObject({ __typename: 'InvalidParamError', code: 'INVALID_PARAM' });
  });
});

describe('node(id:)', () => {
  const NODE = 'query Node($id: ID!) { node(id: $id) { __typename id } }';

  it.each(MALFORMED_TASK_IDS)('answers an id that is %s with null and no error', async (_kind, id) => {
    const { apiKey } = await givenAccount(10);
    const response = await post(NODE, { key: apiKey, variables: { id } });
    expect(response.status).toBe(200);
    expect(bodyOf(response)).toEqual({ data: { node: null } });
  });

  it("answers another account's task id with null, as for a task never issued", async () => {
    const owner = await givenAccount(10);
    const task = await clientOf(gateway, owner.apiKey).submit({ model: 'upscale' });
    const stranger = await givenAccount(10);
    const foreign = await post(NODE, { key: stranger.apiKey, variables: { id: task.id } });
    const unknown = await post(NODE, { key: stranger.apiKey, variables: { id: encodeGlobalID('Task', SOME_UUID) } });
    expect(bodyOf(foreign)).toEqual({ data: { node: null } });
    expect(foreign.text).toBe(unknown.text);
  });
});

const TASKS_PAGE = `
  query Tasks($first: Int, $after: String) {
    tasks(first: $first, after: $after) {
      __typename ... on TaskConnection { edges { node { id } } } ... on InvalidParamError { param message }
    }
  }`;

describe('errors nobody planned for', () => {
  it('answers a negative page size with InvalidParamError naming first', async () => {
    const { apiKey } = await givenAccount(10);
    const response = await post(TASKS_PAGE, { key: apiKey, variables: { first: -1 } });
    expect(response.status).toBe(200);
    expect(bodyOf(response)).toEqual({
      data: { tasks: { __typename: 'InvalidParamError', param: 'first', message: 'Argument "first" must be a non-negative integer' } },
    });
  });

  it('serves a page size over the maximum as the maximum page', async () => {
    const { apiKey } = await givenAccount(10);
    await clientOf(gateway, apiKey).submit({ model: 'upscale' });
    const response = await post(TASKS_PAGE, { key: apiKey, variables: { first: 1_000 } });
    expect(response.status).toBe(200);
    expect(bodyOf<{ tasks: { edges: unknown[] } }>(response).data?.tasks.edges).toHaveLength(1);
  });

  it('answers a forged cursor with InvalidParamError naming after, before the database sees it', async () => {
    const { apiKey } = await givenAccount(10);
    // A cursor in Pothos' own format around a value the uuid column would refuse.
    const after = Buffer.from('GPC:S:not-a-uuid').toString('base64');
    const response = await post(TASKS_PAGE, { key: apiKey, variables: { first: 5, after } });
    expect(response.status).toBe(200);
    expect(bodyOf(response).data).toEqual({ tasks: { __typename: 'InvalidParamError', param: 'after', message: 'after is not a cursor of this connection.' } });
  });

  it('answers a cursor that is not one with InvalidParamError', async () => {
    const { apiKey } = await givenAccount(10);
    const response = await post(TASKS_PAGE, { key: apiKey, variables: { first: 5, after: 'garbage' } });
    expect(bodyOf<{ tasks: { __typename: string } }>(response).data?.tasks.__typename).toBe('InvalidParamError');
  });
});

describe('GraphiQL', () => {
  it('answers a browser GET of /graphql with the GraphiQL page', async () => {
    const response = await send({ method: 'GET', accept: 'text/html' });
    expect(response.status).toBe(200);
    expect(response.contentType).toMatch(/^text\/html/);
    expect(response.text).toMatch(/<title>taskgate<\/title>/);
  });
});
