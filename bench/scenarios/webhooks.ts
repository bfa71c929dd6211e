import type { GraphQLHttpClient } from '../graphql-http.ts';
import type { Scenario } from '../scenario.ts';
import { SUBMIT_CONCURRENCY } from './submit.ts';
import type { WebhookArena } from '../webhooks/arena.ts';
import { backlogDeliveries, DELIVERY_EVENTS, liveDeliveries, MODEL } from '../webhooks/delivery-runs.ts';
import { ACTIVE_ENDPOINTS, cancelWindow, submitWindow } from '../webhooks/load-windows.ts';
import { type DeliveryRuns, type LoadPair, webhooksNotes } from '../webhooks/notes.ts';
import { startReceiver } from '../webhooks/receiver.ts';
import { deliveryRow, loadRow, WEBHOOKS_HEADER } from '../webhooks/table.ts';

/** The receiver is on loopback, which endpoints may reach only when the gateway is told so. */
const RECEIVER_ADDRESSES = { TASKGATE_WEBHOOK_ALLOWED_ADDRESSES: '127.0.0.1' };

export const webhooksScenario: Scenario = {
  name: 'webhooks',
  async run(context) {
    const receiver = await startReceiver();
    const clients: GraphQLHttpClient[] = [];
    try {
      const gateway = await context.startGateway({ env: RECEIVER_ADDRESSES });
      try {
        const arena: WebhookArena = { context, gateway, receiver, clients };
        const runs: DeliveryRuns = {
          oneLive: await liveDeliveries(arena, 1),
          oneBacklog: await backlogDeliveries(arena, 1),
          manyLive: await liveDeliveries(arena, ACTIVE_ENDPOINTS),
          manyBacklog: await backlogDeliveries(arena, ACTIVE_ENDPOINTS),
        };
        // Each "without" right before its "with", on the same gateway, so the ratio holds on a busy machine.
        const submit: LoadPair = { without: await submitWindow(arena, 0), with: await submitWindow(arena, ACTIVE_ENDPOINTS) };
        const cancel: LoadPair = { without: await cancelWindow(arena, 0), with: await cancelWindow(arena, ACTIVE_ENDPOINTS) };
        return {
          heading: 'webhooks',
          intro:
            `Webhook delivery to a receiver in the benchmark process (\`node:http\` on 127.0.0.1, answering 204 as soon as a message is read), from the dispatcher inside the gateway process, which serves up to 16 endpoints at once and sends each endpoint one message at a time. ` +
            `First the deliveries themselves: ${DELIVERY_EVENTS.toLocaleString('en')} \`submitTask\` (${MODEL}) from ${SUBMIT_CONCURRENCY} callers as fast as they are answered, to one account with one endpoint and then spread over ${ACTIVE_ENDPOINTS} accounts with an endpoint each; ` +
            'the rate is from the first arrival to the last, and the latency each event\'s `at` (its transaction\'s time, from PostgreSQL\'s clock) to its arrival. ' +
            'Then the same endpoints fed a backlog: as many SUBMITTED events seeded in bulk while they were disabled, then enabled, so the dispatcher runs at its own pace and the CPU is the deliveries\' alone (the CPU of a row while submitted includes the submits). ' +
            'The receiver checks every message (each `webhook-id` once, cursors in log order, a task event as body) and verifies one in ten signatures with `standardwebhooks`. ' +
            `Then what ${ACTIVE_ENDPOINTS} active endpoints cost the write path: the submit and cancel closed loops (${SUBMIT_CONCURRENCY} callers, ${context.settings.durationMs / 1000} s, one fresh account each) without endpoints and then with ${ACTIVE_ENDPOINTS} on the loaded account, each sent every event; ` +
            'a cancel window\'s endpoints are made after its pending tasks are seeded, so they are sent its CANCELLED events alone. After a window with endpoints they are disabled, so the backlog left does not compete with the next. ' +
            'Every row ran on one gateway process, one after the other.',
          header: WEBHOOKS_HEADER,
          rows: [
            ...Object.values(runs).map(deliveryRow),
            loadRow(submit.without),
            loadRow(submit.with, submit.without),
            loadRow(cancel.without),
            loadRow(cancel.with, cancel.without),
          ],
          notes: webhooksNotes(runs, submit, cancel, receiver.strays()),
        };
      } finally {
        for (const client of clients) client.close();
        // Before the receiver: stopping waits for the attempts in flight, which must be answered.
        await gateway.stop();
      }
    } finally {
      await receiver.close();
    }
  },
};
