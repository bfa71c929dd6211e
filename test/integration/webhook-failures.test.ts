import { afterEach, describe, expect, it } from 'vitest';
import { db } from '../../src/db/client.ts';
import { pruneEvents } from '../../src/services/prune-events.ts';
import { clientOf } from '../helpers/client.ts';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { WEBHOOK_TEST_ENV, webhooksOf } from '../helpers/webhooks.ts';

// A retry window of a moment, so that giving up happens within a test.
const gateway = useTestGateway({ env: { ...WEBHOOK_TEST_ENV, TASKGATE_WEBHOOK_RETRY_WINDOW_MS: '400' } });

const receivers: WebhookReceiver[] = [];

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((receiver) => receiver.stop()));
});

async function givenReceiver(): Promise<WebhookReceiver> {
  const receiver = new WebhookReceiver();
  await receiver.start();
  receivers.push(receiver);
  return receiver;
}

async function waitFor(condition: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('an endpoint failing for the whole retry window', () => {
  it('is disabled where it stands, the account\'s other endpoints are told, and enabling it resumes from there', async () => {
    const account = await givenAccount(1_000);
    const webhooks = webhooksOf(gateway, account.apiKey);
    const [broken, watching] = [await givenReceiver(), await givenReceiver()];
    broken.answer = () => 500;
    const failing = await webhooks.created({ url: broken.url, eventTypes: ['SUBMITTED'] });
    const other = await webhooks.created({ url: watching.url, eventTypes: ['COMPLETED'] });
    broken.secrets.push(failing.secret);
    watching.secrets.push(other.secret);
    const task = await clientOf(gateway, account.apiKey).submit({ model: 'upscale' });

    await waitFor(async () => (await webhooks.list()).some((endpoint) => endpoint.id === failing.endpoint.id && !endpoint.enabled));
    const disabled = (await webhooks.list()).find((endpoint) => endpoint.id === failing.endpoint.id);
    expect(disabled).toMatchObject({ enabled: false, disabledReason: 'FAILING' });
    const log = await webhooks.deliveries(failing.endpoint.id);
    expect(log[0]).toMatchObject({ outcome: 'GAVE_UP', status: 500 });
    const earlier = log.slice(1).map((entry) => entry.outcome);
    expect(earlier).toEqual(earlier.map(() => 'RETRYING'));

    await watching.until((received) => received.length >= 1);
    expect(watching.received[0]).toMatchObject({ type: 'webhook.endpoint_disabled', verifiedBy: [other.secret] });
    expect(watching.received[0]?.body.data).toMatchObject({ endpointId: failing.endpoint.id, url: broken.url, reason: 'FAILING' });

    const attemptsBefore = broken.received.length;
    broken.answer = () => 200;
    await webhooks.update(failing.endpoint.id, { enabled: true });
    await broken.until((received) => received.length > attemptsBefore);
    expect(broken.received[attemptsBefore]).toMatchObject({ type: 'task.submitted', verifiedBy: [failing.secret] });
    expect(broken.received[attemptsBefore]?.body.data.task?.id).toBe(task.id);
    expect((await webhooks.list()).find((endpoint) => endpoint.id === failing.endpoint.id)).toMatchObject({ enabled: true, failingSince: null });
  });
});

describe('retention', () => {
  it('keeps the events an enabled endpoint has yet to be sent, and tells a disabled one exactly what was pruned', async () => {
    const account = await givenAccount(1_000);
    const webhooks = webhooksOf(gateway, account.apiKey);
    const [waiting, paused] = [await givenReceiver(), await givenReceiver()];
    await waiting.stop();
    const enabled = await webhooks.created({ url: waiting.url, eventTypes: ['SUBMITTED'] });
    const disabled = await webhooks.created({ url: paused.url, eventTypes: ['SUBMITTED'] });
    paused.secrets.push(disabled.secret);
    await webhooks.update(disabled.endpoint.id, { enabled: false });
    const client = clientOf(gateway, account.apiKey);
    for (let i = 0; i < 3; i++) await client.submit({ model: 'upscale', input: { i } });
    // As if they were written long ago.
    await db().taskEvent.updateMany({ where: { accountId: account.accountId }, data: { at: new Date(Date.now() - 30 * 86_400_000) } });

    await pruneEvents(7);
    expect(await db().taskEvent.count({ where: { accountId: account.accountId } })).toBe(3);

    await webhooks.remove(enabled.endpoint.id);
    await pruneEvents(7);
    expect(await db().taskEvent.count({ where: { accountId: account.accountId } })).toBe(0);

    await webhooks.update(disabled.endpoint.id, { enabled: true });
    await paused.until((received) => received.length >= 1);
    expect(paused.received.map((message) => message.type)).toEqual(['webhook.events_lost']);
    expect(paused.received[0]?.verifiedBy).toEqual([disabled.secret]);
    const lost = paused.received[0]?.body.data;
    expect(lost?.count).toBe(3);
    expect([typeof lost?.firstCursor, typeof lost?.lastCursor]).toEqual(['string', 'string']);
  });
});
