import { decodeGlobalID, encodeGlobalID } from '@pothos/plugin-relay';
import { expect } from 'vitest';
import { db } from '../../src/db/client.ts';
import { webhooksOf } from '../helpers/webhooks.ts';
import { asStranger, type CaseContext, type CrossAccountCase, expectVictimUntouched, neverIssuedCursor } from './cross-account-case.ts';

/** A public address: saved without an allow-list. Both endpoints are disabled at once, so nothing is ever sent to it. */
const PUBLIC_URL = 'https://93.184.215.14/hooks';
const NEVER_ISSUED_ENDPOINT = encodeGlobalID('WebhookEndpoint', '0190a0a0-0000-7000-8000-00000000dead');

const ENDPOINT_FIELDS = `id url description eventTypes models enabled disabledReason disabledAt failingSince nextRetryAt previousSecretExpiresAt createdAt updatedAt
  deliveries(first: 5) { edges { cursor node { webhookId type attempt outcome status latencyMs error responseBody nextAttemptAt at } } pageInfo { hasNextPage } }`;
const ERRORS = '__typename ... on Error { code message status retryable }';
const CURSOR_ERRORS = `${ERRORS} ... on CursorExpiredError { param }`;

/** Each way to name an endpoint, as a client calls it. */
const BY_ENDPOINT = {
  update: `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: true }) { ${ERRORS} } }`,
  rotate: `mutation($id: ID!) { rotateWebhookEndpointSecret(id: $id) { ${ERRORS} ... on WebhookEndpointSecret { secret endpoint { id } } } }`,
  redeliver: `mutation($id: ID!, $cursor: String!) { redeliverWebhookEvent(endpointId: $id, cursor: $cursor) { ${CURSOR_ERRORS} } }`,
  replay: `mutation($id: ID!, $cursor: String) { replayWebhookEndpoint(id: $id, after: $cursor) { ${CURSOR_ERRORS} } }`,
  remove: `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { ${ERRORS} ... on DeletedWebhookEndpoint { id } } }`,
  node: `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { ${ENDPOINT_FIELDS} } } }`,
};

/** A disabled endpoint of the account, with one attempt in its delivery log. */
async function givenEndpoint(context: CaseContext, apiKey: string): Promise<{ id: string; secret: string; deliveryCursor: string }> {
  const webhooks = webhooksOf(context.gateway, apiKey);
  const { endpoint, secret } = await webhooks.created({ url: PUBLIC_URL });
  await webhooks.update(endpoint.id, { enabled: false });
  const row = await db().webhookAttempt.create({
    data: { endpointId: decodeGlobalID(endpoint.id).id, messageId: `victim-${secret}`, type: 'task.completed', attempt: 1, outcome: 'DELIVERED', status: 204, latencyMs: 3 },
  });
  return { id: endpoint.id, secret, deliveryCursor: Buffer.from(`GPC:I:${String(row.id)}`).toString('base64') };
}

export const WEBHOOK_CASES: Record<string, CrossAccountCase> = {
  "another account's webhook endpoint answers exactly as one never issued, to every call that names it, and is left as it was": {
    covers: [
      ...['createWebhookEndpoint', 'updateWebhookEndpoint', 'rotateWebhookEndpointSecret', 'redeliverWebhookEvent', 'replayWebhookEndpoint', 'deleteWebhookEndpoint'].map(
        (field) => `Mutation.${field}`,
      ),
      ...['code', 'message', 'retryable', 'status'].map((field) => `WebhookEndpointNotFoundError.${field}`),
      'WebhookEndpointSecret.endpoint',
      'WebhookEndpointSecret.secret',
      'DeletedWebhookEndpoint.id',
    ],
    async run(context) {
      const victims = await givenEndpoint(context, context.victim.apiKey);
      const before = await db().webhookEndpoint.findUniqueOrThrow({ where: { id: decodeGlobalID(victims.id).id } });
      await expectVictimUntouched(context, async () => {
        for (const [call, query] of Object.entries(BY_ENDPOINT)) {
          const variables = { cursor: context.victim.cursors.eventStream };
          const foreign = await asStranger<Record<string, { __typename: string } | null>>(context, query, { ...variables, id: victims.id });
          expect(foreign, call).toEqual(await asStranger(context, query, { ...variables, id: NEVER_ISSUED_ENDPOINT }));
          const answer = Object.values(foreign.data ?? {})[0];
          expect(answer === null ? null : answer?.__typename, call).toBe(call === 'node' ? null : 'WebhookEndpointNotFoundError');
          expect(JSON.stringify(foreign)).not.toContain(victims.secret);
        }
      });
      expect(await db().webhookEndpoint.findUniqueOrThrow({ where: { id: decodeGlobalID(victims.id).id } })).toEqual(before);

      // The stranger's own endpoint: made, rotated and deleted as its own, each answer holding nothing of the victim's.
      const own = await givenEndpoint(context, context.stranger.apiKey);
      const rotated = await asStranger<{ rotateWebhookEndpointSecret: { secret: string; endpoint: { id: string } } }>(context, BY_ENDPOINT.rotate, { id: own.id });
      expect(rotated.data?.rotateWebhookEndpointSecret.endpoint.id).toBe(own.id);
      expect((await asStranger(context, BY_ENDPOINT.remove, { id: own.id })).data).toEqual({ deleteWebhookEndpoint: { __typename: 'DeletedWebhookEndpoint', id: own.id } });
    },
  },

  "an account's endpoints, their fields and their delivery logs hold only its own; another's delivery and event cursors are refused as never issued": {
    covers: [
      'Account.webhookEndpoints',
      ...['id', 'url', 'description', 'eventTypes', 'models', 'enabled', 'disabledReason', 'disabledAt', 'failingSince', 'nextRetryAt', 'previousSecretExpiresAt', 'createdAt', 'updatedAt', 'deliveries'].map(
        (field) => `WebhookEndpoint.${field}`,
      ),
      ...['webhookId', 'type', 'attempt', 'outcome', 'status', 'latencyMs', 'error', 'responseBody', 'nextAttemptAt', 'at'].map((field) => `WebhookDelivery.${field}`),
      'WebhookDeliveryConnection.edges',
      'WebhookDeliveryConnection.pageInfo',
      'WebhookDeliveryEdge.cursor',
      'WebhookDeliveryEdge.node',
      ...['code', 'message', 'param', 'retryable', 'status'].map((field) => `CursorExpiredError.${field}`),
    ],
    async run(context) {
      const victims = await givenEndpoint(context, context.victim.apiKey);
      const own = await givenEndpoint(context, context.stranger.apiKey);
      const listed = await asStranger<{ account: { webhookEndpoints: { id: string; deliveries: { edges: { node: { webhookId: string } }[] } }[] } }>(
        context,
        `{ account { ... on Account { webhookEndpoints { ${ENDPOINT_FIELDS} } } } }`,
      );
      const endpoints = listed.data?.account.webhookEndpoints ?? [];
      expect(endpoints.map((endpoint) => endpoint.id)).toEqual([own.id]);
      expect(JSON.stringify(listed)).not.toContain(victims.secret);

      const page = `query($id: ID!, $after: String) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 5, after: $after) { edges { cursor } } } } }`;
      const foreignCursor = await asStranger(context, page, { id: own.id, after: victims.deliveryCursor });
      expect(foreignCursor).toEqual(await asStranger(context, page, { id: own.id, after: neverIssuedCursor('row') }));
      expect(foreignCursor.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_PARAM', param: 'after' });

      for (const query of [BY_ENDPOINT.redeliver, BY_ENDPOINT.replay]) {
        const foreignEvent = await asStranger(context, query, { id: own.id, cursor: context.victim.cursors.eventStream });
        const neverIssued = await asStranger(context, query, { id: own.id, cursor: Buffer.from('ev1:1:1').toString('base64url') });
        expect(foreignEvent).toEqual(neverIssued);
        expect(Object.values(foreignEvent.data ?? {})[0]).toMatchObject({ __typename: 'CursorExpiredError', code: 'CURSOR_EXPIRED', status: 410, retryable: false });
      }
    },
  },
};
