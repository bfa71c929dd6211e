import { afterEach, describe, expect, it } from 'vitest';
import { decodeEventCursor } from '../../src/events/cursor.ts';
import { useTestDatabase } from '../helpers/database.ts';
import { givenAccount } from '../helpers/factories.ts';
import { startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.ts';
import { SUBMIT } from '../helpers/operations.ts';
import { WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { WEBHOOK_TEST_ENV, webhooksOf } from '../helpers/webhooks.ts';

const database = useTestDatabase();
const gateways: GatewayProcess[] = [];
let receiver: WebhookReceiver | undefined;

afterEach(async () => {
  await Promise.all(gateways.splice(0).map((gateway) => gateway.process.stop()));
  await receiver?.stop();
});

async function gateway(): Promise<GatewayProcess> {
  const started = await startGatewayProcess(database.url, WEBHOOK_TEST_ENV);
  gateways.push(started);
  return started;
}

async function givenReceiver(): Promise<WebhookReceiver> {
  receiver = new WebhookReceiver();
  await receiver.start();
  return receiver;
}

/** Whether the cursors come in log order. */
function inLogOrder(cursors: string[]): boolean {
  const positions = cursors.map((cursor) => decodeEventCursor(cursor));
  return positions.every((position, i) => {
    const before = positions[i - 1];
    if (i === 0 || !position || !before) return position !== undefined;
    return position.txid > before.txid || (position.txid === before.txid && position.id > before.id);
  });
}

describe('webhooks across gateway instances', () => {
  it('two gateways on one database send each event to an endpoint once, in log order', async () => {
    const hooks = await givenReceiver();
    const [a, b] = [await gateway(), await gateway()];
    const account = await givenAccount(10_000);
    const { secret } = await webhooksOf(a, account.apiKey).created({ url: hooks.url, eventTypes: ['SUBMITTED'] });
    hooks.secrets.push(secret);
    const submits = 20;
    for (let i = 0; i < submits; i++) {
      const res = await (i % 2 ? a : b).gql(SUBMIT, { input: { model: 'upscale', input: { i } } }, account.apiKey);
      expect(res.status).toBe(200);
    }
    await hooks.until((received) => received.length >= submits);
    // Time for a second delivery, were either instance to make one.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(hooks.received).toHaveLength(submits);
    expect(hooks.deliveredIds()).toHaveLength(submits);
    expect(inLogOrder(hooks.received.map((message) => message.webhookId))).toBe(true);
  });

  it('a gateway killed with SIGKILL mid-delivery: the message is delivered after the restart, and the rest after it', async () => {
    const hooks = await givenReceiver();
    const first = await gateway();
    const account = await givenAccount(10_000);
    const { secret } = await webhooksOf(first, account.apiKey).created({ url: hooks.url, eventTypes: ['SUBMITTED'] });
    hooks.secrets.push(secret);
    hooks.answer = () => 'hang';
    for (let i = 0; i < 3; i++) await first.gql(SUBMIT, { input: { model: 'upscale', input: { i } } }, account.apiKey);
    await hooks.until((received) => received.length >= 1);
    const inFlight = hooks.received[0]?.webhookId;

    first.process.child.kill('SIGKILL');
    await first.process.exited();
    hooks.answer = () => 204;
    await gateway();
    await hooks.until((received) => new Set(received.map((message) => message.webhookId)).size >= 3, 15_000);
    const ids = hooks.deliveredIds();
    expect(ids[0]).toBe(inFlight);
    expect(ids).toHaveLength(3);
    expect(inLogOrder(ids)).toBe(true);
  });
});
