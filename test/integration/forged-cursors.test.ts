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
