import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeEventCursor } from '../../src/events/cursor.ts';
import { clientOf } from '../helpers/client.ts';
import { givenAccount, givenWorker } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { WEBHOOK_TEST_ENV, webhooksOf } from '../helpers/webhooks.ts';
import { workerOf } from '../helpers/worker.ts';

const gateway = useTestGateway({ env: WEBHOOK_TEST_ENV });

let receiver: WebhookReceiver;

beforeEach(async () => {
  receiver = new WebhookReceiver();
  await receiver.start();
});

afterEach(async () => {
  await receiver.stop();
});

/** An account with an endpoint at the receiver, whose secret the receiver holds. */
async function givenEndpoint(settings: { eventTypes?: string[]; models?: string[] } = {}) {
  const account = await givenAccount(10_000);
  const webhooks = webhooksOf(gateway, account.apiKey);
  const { endpoint, secret } = await webhooks.created({ url: receiver.url, ...settings });
  receiver.secrets.push(secret);
  return { account, webhooks, endpoint, secret, client: clientOf(gateway, account.apiKey) };
}

/** A task run to completion by a worker: SUBMITTED, CLAIMED, PROGRESS, COMPLETED. */
async function runTask(client: ReturnType<typeof clientOf>, model = 'image-fast'): Promise<string> {
  const task = await client.submit({ model });
  const worker = workerOf(gateway, (await givenWorker()).workerKey);
  const claimed = await worker.claim([model], 600);
  if (claimed?.id !== task.id) throw new Error('another task was claimed');
  await worker.progress(task.id, 0.5);
  await worker.complete(task.id, { url: 'https://example.com/out.png' });
  return task.id;
}

describe('webhook endpoints', () => {
  it('are made with a secret shown once, listed, disabled and enabled, and deleted', async () => {
    const { webhooks, endpoint, secret } = await givenEndpoint({ eventTypes: ['COMPLETED'], models: ['upscale'] });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(endpoint).toMatchObject({ url: receiver.url, eventTypes: ['COMPLETED'], models: ['upscale'], enabled: true, disabledReason: null });
    expect(await webhooks.list()).toEqual([endpoint]);
    expect(JSON.stringify(await webhooks.list())).not.toContain(secret);

    expect(await webhooks.update(endpoint.id, { enabled: false })).toMatchObject({ enabled: false, disabledReason: 'CLIENT', eventTypes: ['COMPLETED'] });
    expect(await webhooks.update(endpoint.id, { enabled: true, models: [] })).toMatchObject({ enabled: true, disabledReason: null, models: [] });
    expect(await webhooks.remove(endpoint.id)).toEqual({ __typename: 'DeletedWebhookEndpoint', id: endpoint.id });
    expect(await webhooks.list()).toEqual([]);
    expect((await webhooks.remove(endpoint.id))?.__typename).toBe('WebhookEndpointNotFoundError');
  });

  it.each([
    ['a private address', 'http://10.0.0.1/hooks', /10\.0\.0\.1.*private/],
    ['link-local cloud metadata', 'http://169.254.169.254/latest', /169\.254\.169\.254/],
    ['loopback outside the allow-list', 'http://[::1]:8080/hooks', /::1/],
    ['another scheme', 'ftp://example.com/hooks', /http/],
    ['credentials in the URL', 'http://user:pw@example.com/hooks', /credentials|user/i],
  ])('refuse %s as InvalidParamError on url, and save nothing', async (_kind, url, reason) => {
    const account = await givenAccount(10);
    const webhooks = webhooksOf(gateway, account.apiKey);
    const refused = await webhooks.create({ url });
    expect(refused).toMatchObject({ __typename: 'InvalidParamError', code: 'INVALID_PARAM', param: 'input.url' });
    expect(refused.message).toMatch(reason);
    expect(await webhooks.list()).toEqual([]);
  });

  it('refuse an unknown model, and are not another account\'s to change', async () => {
    const { endpoint } = await givenEndpoint();
    const other = webhooksOf(gateway, (await givenAccount(10)).apiKey);
    expect(await other.create({ url: receiver.url, models: ['upscale', 'no-such-model'] })).toMatchObject({ __typename: 'InvalidParamError', param: 'input.models.1' });
    expect((await other.update(endpoint.id, { enabled: false })).__typename).toBe('WebhookEndpointNotFoundError');
    expect((await other.remove(endpoint.id))?.__typename).toBe('WebhookEndpointNotFoundError');
    expect(await other.deliveries(endpoint.id)).toEqual([]);
  });
});

describe('webhook delivery', () => {
  it('sends every event of a task in log order, signed in the Standard Webhooks format, with the task as the task query shows it', async () => {
    const { client, endpoint, secret, webhooks } = await givenEndpoint();
    const taskId = await runTask(client);
    await receiver.until((received) => received.length >= 4);
    expect(receiver.received.map((message) => message.type)).toEqual(['task.submitted', 'task.claimed', 'task.progress', 'task.completed']);
    for (const message of receiver.received) {
      expect(message.verifiedBy).toEqual([secret]);
      expect(message.body.data.cursor).toBe(message.webhookId);
      expect(decodeEventCursor(message.webhookId)).toBeDefined();
      expect(message.body.data.task).toMatchObject({ id: taskId, model: 'image-fast' });
    }
    const [submitted, claimed, progress, completed] = receiver.received.map((message) => message.body.data.task);
    expect(submitted).toMatchObject({ state: 'PENDING', progress: 0, creditsUsed: null, output: null });
    expect(claimed).toMatchObject({ state: 'RUNNING', progress: 0 });
    expect(progress).toMatchObject({ state: 'RUNNING', progress: 0.5 });
    expect(completed).toMatchObject({ state: 'COMPLETED', progress: 1, creditsUsed: 4, output: { url: 'https://example.com/out.png' } });
    expect(completed).not.toHaveProperty('input');

    const log = await webhooks.deliveries(endpoint.id);
    expect(log.map((entry) => [entry.type, entry.outcome, entry.status, entry.attempt])).toEqual([
      ['task.completed', 'DELIVERED', 204, 1],
      ['task.progress', 'DELIVERED', 204, 1],
      ['task.claimed', 'DELIVERED', 204, 1],
      ['task.submitted', 'DELIVERED', 204, 1],
    ]);
  });

  it('sends only the event types and models an endpoint asked for', async () => {
    const { client } = await givenEndpoint({ eventTypes: ['COMPLETED', 'SUBMITTED'], models: ['upscale'] });
    await runTask(client, 'image-fast');
    const wanted = await runTask(client, 'upscale');
    await receiver.until((received) => received.length >= 2);
    // A later event of the account is delivered only once everything before it was considered.
    await client.submit({ model: 'upscale' });
    await receiver.until((received) => received.length >= 3);
    expect(receiver.received.slice(0, 2).map((message) => [message.type, message.body.data.task?.id])).toEqual([
      ['task.submitted', wanted],
      ['task.completed', wanted],
    ]);
  });

  it('gets through a receiver that is down, then up: every event, in order, none twice but for retries of the same webhook-id', async () => {
    const { client, webhooks, endpoint } = await givenEndpoint();
    await receiver.stop();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await client.submit({ model: 'upscale', input: { i } })).id);
    await waitFor(async () => (await webhooks.deliveries(endpoint.id)).some((entry) => entry.outcome === 'RETRYING' && entry.attempt >= 2));
    const failing = (await webhooks.list())[0];
    expect(failing?.failingSince).not.toBeNull();
    expect(failing?.nextRetryAt).not.toBeNull();

    await receiver.start();
    await receiver.until((received) => received.length >= 3);
    expect(receiver.received.map((message) => message.body.data.task?.id)).toEqual(ids);
    expect(receiver.deliveredIds()).toHaveLength(3);
    expect((await webhooks.list())[0]).toMatchObject({ failingSince: null, nextRetryAt: null });
    const failed = (await webhooks.deliveries(endpoint.id)).filter((entry) => entry.outcome === 'RETRYING');
    expect(failed[0]?.error).toMatch(/ECONNREFUSED/);
  });

  it('retries a 5xx and a 429, does not retry another 4xx, and goes on to the next event', async () => {
    const { client, webhooks, endpoint } = await givenEndpoint({ eventTypes: ['SUBMITTED'] });
    const answers: number[] = [503, 429, 200, 400, 200];
    receiver.answer = () => answers.shift() ?? 200;
    const first = await client.submit({ model: 'upscale' });
    const second = await client.submit({ model: 'upscale' });
    const third = await client.submit({ model: 'upscale' });
    await receiver.until((received) => received.length >= 5);
    expect(receiver.received.map((message) => message.body.data.task?.id)).toEqual([first.id, first.id, first.id, second.id, third.id]);
    await waitFor(async () => (await webhooks.deliveries(endpoint.id)).length >= 5);
    const log = (await webhooks.deliveries(endpoint.id)).reverse();
    expect(log.map((entry) => [entry.outcome, entry.status, entry.attempt])).toEqual([
      ['RETRYING', 503, 1],
      ['RETRYING', 429, 2],
      ['DELIVERED', 200, 3],
      ['REJECTED', 400, 1],
      ['DELIVERED', 200, 1],
    ]);
  });

  it('signs with both secrets while a rotation overlaps, then with the new one alone', async () => {
    const { client, webhooks, endpoint, secret } = await givenEndpoint({ eventTypes: ['SUBMITTED'] });
    const rotated = await webhooks.rotate(endpoint.id, 3_600);
    const newSecret = rotated.secret ?? '';
    expect(newSecret).not.toBe(secret);
    expect(rotated.endpoint?.previousSecretExpiresAt).not.toBeNull();
    receiver.secrets = [secret, newSecret];
    await client.submit({ model: 'upscale' });
    await receiver.until((received) => received.length >= 1);
    expect(receiver.received[0]?.verifiedBy).toEqual([secret, newSecret]);

    const again = await webhooks.rotate(endpoint.id, 0);
    receiver.secrets = [secret, newSecret, again.secret ?? ''];
    await client.submit({ model: 'upscale' });
    await receiver.until((received) => received.length >= 2);
    expect(receiver.received[1]?.verifiedBy).toEqual([again.secret]);
  });

  it('redelivers one event by its cursor with the same webhook-id, and replays from a cursor in order', async () => {
    const { client, webhooks, endpoint } = await givenEndpoint({ eventTypes: ['SUBMITTED'] });
    for (let i = 0; i < 3; i++) await client.submit({ model: 'upscale', input: { i } });
    await receiver.until((received) => received.length >= 3);
    const [first, second, third] = receiver.received.map((message) => message.webhookId);

    expect(await webhooks.redeliver(endpoint.id, second ?? '')).toEqual({ __typename: 'WebhookEndpoint' });
    await receiver.until((received) => received.length >= 4);
    expect(receiver.received[3]?.webhookId).toBe(second);

    expect(await webhooks.replay(endpoint.id, first ?? '')).toEqual({ __typename: 'WebhookEndpoint' });
    await receiver.until((received) => received.length >= 6);
    expect(receiver.received.slice(4).map((message) => message.webhookId)).toEqual([second, third]);

    const unknown = Buffer.from('ev1:1:1').toString('base64url');
    expect(await webhooks.redeliver(endpoint.id, unknown)).toMatchObject({ __typename: 'CursorExpiredError', code: 'CURSOR_EXPIRED' });
    expect(await webhooks.replay(endpoint.id, 'not a cursor')).toMatchObject({ __typename: 'InvalidParamError', code: 'INVALID_PARAM' });
    // Another account's cursor is refused as one never issued.
    const other = await givenEndpoint();
    expect(await other.webhooks.redeliver(other.endpoint.id, first ?? '')).toMatchObject({ __typename: 'CursorExpiredError' });
  });

  it('counts deliveries by outcome in /metrics, with what each endpoint has pending', async () => {
    const { client } = await givenEndpoint();
    await client.submit({ model: 'upscale' });
    await receiver.until((received) => received.length >= 1);
    const metrics = await (await fetch(gateway.url.replace(/\/graphql$/, '/metrics'))).text();
    expect(metrics).toMatch(/^taskgate_webhook_deliveries_total\{outcome="DELIVERED"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^taskgate_webhook_pending_messages\{endpoint="[0-9a-f-]{36}"\} \d+$/m);
    expect(metrics).toMatch(/^taskgate_webhook_oldest_pending_seconds\{endpoint="[0-9a-f-]{36}"\} [\d.]+$/m);
  });
});

async function waitFor(condition: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
