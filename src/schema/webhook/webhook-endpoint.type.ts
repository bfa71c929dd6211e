import { db } from '../../db/client.ts';
import type { EndpointWithSecret } from '../../services/webhook-endpoints.ts';
import { builder } from '../builder.ts';
import { checkRowCursors } from '../row-cursor.ts';
import { TaskEventTypeEnum, WebhookDisabledReasonEnum, WebhookOutcomeEnum } from '../enums.ts';

export const WebhookDeliveryObject = builder.prismaObject('WebhookAttempt', {
  name: 'WebhookDelivery',
  description: 'One attempt to deliver one message to an endpoint, as the delivery log keeps it for 30 days.',
  fields: (t) => ({
    webhookId: t.exposeString('messageId', { description: 'The `webhook-id` sent: the event cursor, or a notice id. The same on every attempt.' }),
    type: t.exposeString('type', { description: 'The payload type, such as `task.completed`.' }),
    attempt: t.exposeInt('attempt', { description: 'Which attempt at this message it was, from 1.' }),
    outcome: t.expose('outcome', { type: WebhookOutcomeEnum }),
    status: t.exposeInt('status', { nullable: true, description: "The receiver's HTTP status; null when it did not answer." }),
    latencyMs: t.exposeInt('latencyMs'),
    error: t.exposeString('error', { nullable: true }),
    responseBody: t.exposeString('responseBody', { nullable: true, description: "The first kilobyte of the receiver's answer." }),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true, description: 'When it is tried again, when RETRYING.' }),
    at: t.expose('at', { type: 'DateTime' }),
  }),
});

export const WebhookEndpointNode = builder.prismaNode('WebhookEndpoint', {
  description:
    'Where your task events are sent as signed HTTP POSTs (Standard Webhooks), in log order, each at least once, from a position of its own in the event log.',
  id: { field: 'id' },
  fields: (t) => ({
    url: t.exposeString('url'),
    description: t.exposeString('description', { nullable: true }),
    eventTypes: t.expose('eventTypes', { type: [TaskEventTypeEnum], description: 'The event types sent; empty sends every type.' }),
    models: t.exposeStringList('models', { description: "The models whose tasks' events are sent; empty sends every model's." }),
    enabled: t.exposeBoolean('enabled'),
    disabledReason: t.expose('disabledReason', { type: WebhookDisabledReasonEnum, nullable: true }),
    disabledAt: t.expose('disabledAt', { type: 'DateTime', nullable: true }),
    failingSince: t.expose('failingSince', {
      type: 'DateTime',
      nullable: true,
      description: 'Since when the message at the head has been failing; null while deliveries succeed.',
    }),
    nextRetryAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the failing head is tried again.',
      resolve: (endpoint) => (endpoint.failingSince && endpoint.enabled ? endpoint.nextAttemptAt : null),
    }),
    previousSecretExpiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'Until when the secret before the last rotation signs too.',
      resolve: (endpoint) => (endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > new Date() ? endpoint.previousSecretExpiresAt : null),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    deliveries: t.relatedConnection(
      'attempts',
      {
        description: 'The delivery log: every attempt, newest first.',
        cursor: 'id',
        query: async (args, ctx) => {
          await checkRowCursors(args, ctx, async (id, accountId) => (await db().webhookAttempt.count({ where: { id, endpoint: { accountId } } })) > 0);
          return { orderBy: { id: 'desc' } };
        },
      },
      { name: 'WebhookDeliveryConnection' },
      { name: 'WebhookDeliveryEdge' },
    ),
  }),
});

export const WebhookEndpointSecretObject = builder.objectRef<EndpointWithSecret>('WebhookEndpointSecret').implement({
  description: 'An endpoint and its signing secret, shown this once: keep it where your receiver verifies signatures.',
  fields: (t) => ({
    endpoint: t.field({ type: WebhookEndpointNode, resolve: (result) => result.endpoint }),
    secret: t.exposeString('secret', { description: 'A `whsec_` secret, as Standard Webhooks libraries take it.' }),
  }),
});
