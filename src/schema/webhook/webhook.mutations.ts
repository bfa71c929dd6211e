import {
  CursorExpiredError,
  InvalidApiKeyError,
  InvalidParamError,
  WebhookEndpointNotFoundError,
} from '../../domain/errors.ts';
import {
  changeEndpoint,
  createEndpoint,
  MAX_SECRET_OVERLAP_SECONDS,
  redeliverEvent,
  removeEndpoint,
  replayEndpoint,
  rotateEndpointSecret,
} from '../../services/webhook-endpoints.ts';
import { clientAccountId } from '../auth.ts';
import { builder } from '../builder.ts';
import { TaskEventTypeEnum } from '../enums.ts';
import { decodeIdOf } from '../global-id.ts';
import { WebhookEndpointNode, WebhookEndpointSecretObject } from './webhook-endpoint.type.ts';

const CreateWebhookEndpointInput = builder.inputType('CreateWebhookEndpointInput', {
  fields: (t) => ({
    url: t.string({ required: true, description: 'An http(s) URL of a public address; private and loopback ones are refused.' }),
    description: t.string({ required: false }),
    eventTypes: t.field({ type: [TaskEventTypeEnum], required: true, defaultValue: [], description: 'The event types to send; empty sends every type.' }),
    models: t.stringList({ required: true, defaultValue: [], description: "The models whose tasks' events to send; empty sends every model's." }),
  }),
});

const UpdateWebhookEndpointInput = builder.inputType('UpdateWebhookEndpointInput', {
  description: 'What to change; what is left out stays as it is.',
  fields: (t) => ({
    url: t.string({ required: false }),
    description: t.string({ required: false, description: 'null clears it.' }),
    eventTypes: t.field({ type: [TaskEventTypeEnum], required: false }),
    models: t.stringList({ required: false }),
    enabled: t.boolean({ required: false, description: 'false stops deliveries where they are; true resumes them from there.' }),
  }),
});

const DeletedWebhookEndpoint = builder.objectRef<{ id: string }>('DeletedWebhookEndpoint').implement({
  fields: (t) => ({ id: t.exposeID('id', { description: 'The global id the endpoint had.' }) }),
});

const NOT_FOUND = [InvalidParamError, InvalidApiKeyError, WebhookEndpointNotFoundError];

function endpointIdOf(id: string, param = 'id'): string {
  return decodeIdOf('WebhookEndpoint', id, param);
}

builder.mutationFields((t) => ({
  createWebhookEndpoint: t.field({
    type: WebhookEndpointSecretObject,
    description: 'A new endpoint, sent every matching event from now on. Its signing secret is in the answer, and only there.',
    errors: { types: [InvalidParamError, InvalidApiKeyError], directResult: true },
    args: { input: t.arg({ type: CreateWebhookEndpointInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      createEndpoint(
        clientAccountId(ctx),
        { url: input.url, description: input.description ?? null, eventTypes: input.eventTypes, models: input.models },
        ctx.webhookAddresses,
      ),
  }),
  updateWebhookEndpoint: t.field({
    type: WebhookEndpointNode,
    errors: { types: NOT_FOUND, directResult: true },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateWebhookEndpointInput, required: true }) },
    resolve: (_root, { id, input }, ctx) => {
      const { url, description, eventTypes, models, enabled } = input;
      // A list or flag given as null is left as it is; only the description can be cleared.
      const changes = {
        ...(url == null ? {} : { url }),
        ...(description === undefined ? {} : { description }),
        ...(eventTypes == null ? {} : { eventTypes }),
        ...(models == null ? {} : { models }),
        ...(enabled == null ? {} : { enabled }),
      };
      return changeEndpoint(clientAccountId(ctx), endpointIdOf(id), changes, ctx.webhookAddresses);
    },
  }),
  rotateWebhookEndpointSecret: t.field({
    type: WebhookEndpointSecretObject,
    description: `A new signing secret. For \`overlapSeconds\` (at most ${MAX_SECRET_OVERLAP_SECONDS}) every message is signed by the old one too, so receivers switch without failing a delivery.`,
    errors: { types: NOT_FOUND, directResult: true },
    args: { id: t.arg.id({ required: true }), overlapSeconds: t.arg.int({ required: true, defaultValue: 86_400 }) },
    resolve: (_root, { id, overlapSeconds }, ctx) => rotateEndpointSecret(clientAccountId(ctx), endpointIdOf(id), overlapSeconds),
  }),
  deleteWebhookEndpoint: t.field({
    type: DeletedWebhookEndpoint,
    errors: { types: NOT_FOUND, directResult: true },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => {
      await removeEndpoint(clientAccountId(ctx), endpointIdOf(id));
      return { id };
    },
  }),
  redeliverWebhookEvent: t.field({
    type: WebhookEndpointNode,
    description: 'Sends one of your events again, by its cursor, before the endpoint\'s next event: with the same `webhook-id`, and the task as it was at that event.',
    errors: { types: [...NOT_FOUND, CursorExpiredError], directResult: true },
    args: { endpointId: t.arg.id({ required: true }), cursor: t.arg.string({ required: true }) },
    resolve: (_root, { endpointId, cursor }, ctx) => redeliverEvent(clientAccountId(ctx), endpointIdOf(endpointId, 'endpointId'), cursor),
  }),
  replayWebhookEndpoint: t.field({
    type: WebhookEndpointNode,
    description:
      'Sends the endpoint every matching event after `after` (an event cursor) again, in order, then goes on as before; with `after` null, from the oldest event kept.',
    errors: { types: [...NOT_FOUND, CursorExpiredError], directResult: true },
    args: { id: t.arg.id({ required: true }), after: t.arg.string({ required: false }) },
    resolve: (_root, { id, after }, ctx) => replayEndpoint(clientAccountId(ctx), endpointIdOf(id), after ?? null),
  }),
}));
