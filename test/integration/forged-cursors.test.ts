import { describe, expect, it } from 'vitest';
import { clientOf } from '../helpers/client.ts';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { subscribeSse } from '../helpers/subscriptions.ts';

const gateway = useTestGateway();

const base64 = (text: string): string => Buffer.from(text).toString('base64');

/** Cursors in the right format around values the id columns cannot hold; each was a 500 before. */
const FORGED_ROW_CURSORS = [
  ['a string id', base64('GPC:S:not-a-number')],
  ['an id past bigint', base64('GPC:I:99999999999999999999')],
  ['a negative id', base64('GPC:I:-5')],
  ['a JSON id', base64('GPC:J:[1]')],
];

const LEDGER = 'query($after: String) { account { ... on Account { ledger(first: 3, after: $after) { edges { cursor } } } } }';
const EVENTS = 'query($id: ID!, $after: String) { task(id: $id) { ... on Task { events(first: 3, after: $after) { edges { cursor } } } } }';

describe('a forged page cursor is INVALID_PARAM naming it, never a failure inside', () => {
  it.each(FORGED_ROW_CURSORS)("of the account's ledger: %s", async (_kind, after) => {
    const { apiKey } = await givenAccount(10);
    const res = await gateway.gql(LEDGER, { after }, apiKey);
    expect(res.errors).toEqual([expect.objectContaining({ message: 'after is not a cursor of this connection.', extensions: { code: 'INVALID_PARAM', status: 400, retryable: false, param: 'after' } })]);
  });

  it.each(FORGED_ROW_CURSORS)("of a task's events: %s", async (_kind, after) => {
    const { apiKey } = await givenAccount(10);
    const task = await clientOf(gateway, apiKey).submit({ model: 'upscale' });
    const res = await gateway.gql(EVENTS, { id: task.id, after }, apiKey);
    expect(res.errors?.[0]?.extensions).toEqual({ code: 'INVALID_PARAM', status: 400, retryable: false, param: 'after' });
  });

  it("of another account's ledger entry, answered as one never issued", async () => {
    const owner = await givenAccount(10);
    const other = await givenAccount(10);
    await clientOf(gateway, owner.apiKey).submit({ model: 'upscale' });
    const cursor = (await gateway.gql<{ account: { ledger: { edges: { cursor: string }[] } } }>(LEDGER, {}, owner.apiKey)).data?.account.ledger.edges[0]?.cursor;
    expect(await gateway.gql(LEDGER, { after: cursor }, other.apiKey)).toEqual(await gateway.gql(LEDGER, { after: base64('GPC:I:9000000000000000000') }, other.apiKey));
  });

  it("of the caller's own rows, served", async () => {
    const { apiKey } = await givenAccount(10);
    await clientOf(gateway, apiKey).submit({ model: 'upscale' });
    const first = await gateway.gql<{ account: { ledger: { edges: { cursor: string }[] } } }>(LEDGER, {}, apiKey);
    const after = first.data?.account.ledger.edges[0]?.cursor;
    expect((await gateway.gql(LEDGER, { after }, apiKey)).data).toEqual({ account: { ledger: { edges: [{ cursor: first.data?.account.ledger.edges[1]?.cursor }] } } });
  });
});

const PAGE = '(first: $first, last: $last, after: $after, before: $before)';
const PAGE_VARIABLES = '($first: Int, $last: Int, $after: String, $before: String)';
const TASKS = `query${PAGE_VARIABLES} {
  tasks${PAGE} { __typename ... on TaskConnection { edges { cursor } } ... on InvalidParamError { param message } }
}`;
const ACCOUNT_TASKS = `query${PAGE_VARIABLES} { account { ... on Account { tasks${PAGE} { edges { cursor } } } } }`;
/** A page of three from the cursor, either way. */
const pageFrom = (param: string, cursor: string) => (param === 'after' ? { first: 3, after: cursor } : { last: 3, before: cursor });

describe('a cursor Pothos cannot read at all is INVALID_PARAM naming the argument', () => {
  it.each([
    ['tasks', TASKS],
    ['Account.tasks', ACCOUNT_TASKS],
    ['the ledger', 'query($first: Int, $after: String) { account { ... on Account { ledger(first: $first, after: $after) { edges { cursor } } } } }'],
  ])('%s', async (_list, query) => {
    const { apiKey } = await givenAccount(10);
    const res = await gateway.gql<{ tasks?: { param?: string } }>(query, { first: 3, after: base64('not a cursor') }, apiKey);
    const param = res.data?.tasks?.param ?? res.errors?.[0]?.extensions?.param;
    expect(param).toBe('after');
  });
});

describe('a task cursor of another account is answered exactly as one never issued', () => {
  it.each(['after', 'before'])('tasks(%s:) and Account.tasks', async (param) => {
    const owner = await givenAccount(10);
    const other = await givenAccount(10);
    const foreign = await clientOf(gateway, owner.apiKey).submit({ model: 'upscale' });
    // A task of the caller's own, newer than the foreign one, which a page from the foreign task's position would show.
    await clientOf(gateway, other.apiKey).submit({ model: 'upscale' });
    const cursorOf = (id: string) => base64(`GPC:S:${Buffer.from(id, 'base64').toString().split(':')[1]}`);
    const never = base64('GPC:S:0190a0a0-0000-7000-8000-000000000000');
    const foreignAnswer = await gateway.gql(TASKS, pageFrom(param, cursorOf(foreign.id)), other.apiKey);
    expect(foreignAnswer).toEqual(await gateway.gql(TASKS, pageFrom(param, never), other.apiKey));
    expect(foreignAnswer.data?.tasks).toEqual({ __typename: 'InvalidParamError', param, message: `${param} is not a cursor of this connection.` });
    const foreignAccountPage = await gateway.gql(ACCOUNT_TASKS, pageFrom(param, cursorOf(foreign.id)), other.apiKey);
    expect(foreignAccountPage).toEqual(await gateway.gql(ACCOUNT_TASKS, pageFrom(param, never), other.apiKey));
    expect(foreignAccountPage.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_PARAM', param });
  });

  it("of the caller's own task, served", async () => {
    const { apiKey } = await givenAccount(10);
    const client = clientOf(gateway, apiKey);
    await client.submit({ model: 'upscale' });
    await client.submit({ model: 'upscale' });
    const first = await gateway.gql<{ tasks: { edges: { cursor: string }[] } }>(TASKS, { first: 3 }, apiKey);
    const [newest, older] = first.data?.tasks.edges ?? [];
    const next = await gateway.gql<{ tasks: { edges: { cursor: string }[] } }>(TASKS, pageFrom('after', newest?.cursor ?? ''), apiKey);
    expect(next.data?.tasks.edges).toEqual([older]);
    const back = await gateway.gql<{ tasks: { edges: { cursor: string }[] } }>(TASKS, pageFrom('before', older?.cursor ?? ''), apiKey);
    expect(back.data?.tasks.edges).toEqual([newest]);
  });
});

describe('an event cursor past what the log can hold is INVALID_PARAM', () => {
  it.each([
    ['a position past bigint', 'ev1:9999999999999999999:9999999999999999999'],
    ['a transaction past bigint', 'ev1:9223372036854775808:1'],
  ])('taskEvents(after: %s)', async (_kind, position) => {
    const { apiKey } = await givenAccount(10);
    const query = 'subscription($after: String) { taskEvents(after: $after) { cursor } }';
    const stream = await subscribeSse(gateway.url, apiKey, query, { after: Buffer.from(position).toString('base64url') });
    try {
      expect((await stream.next())?.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_PARAM', param: 'after' });
    } finally {
      await stream.close();
    }
  });
});
