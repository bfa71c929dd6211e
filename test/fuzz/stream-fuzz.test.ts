import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../helpers/gateway.ts';
import { subscribeWs, wsClient } from '../helpers/subscriptions.ts';
import { churn } from './churn.ts';
import { type Authorization, authorizationFor, givenFuzzWorld } from './fuzz-world.ts';
import { problemsOf, sse } from './http-exchange.ts';
import { publishedSchema, randomOperation } from './random-operation.ts';
import { fuzzSettings, share } from './settings.ts';
import { expectStillServing } from './still-serving.ts';
import { report, storm } from './storm.ts';
import { randomFrame, sendFrames } from './ws-frames.ts';
import { type WsSession, wsSession } from './ws-exchange.ts';

const gateway = useTestGateway();
const settings = fuzzSettings();
const schema = publishedSchema();

/** Long enough for a stream's first answer and a few live events; streams that never end are cut here. */
const LISTEN_MS = 250;
const KINDS = ['subscription', 'subscription', 'subscription', 'query', 'mutation'] as const;

/** A normal subscription still gets the task as it is, once the storm is over. */
async function expectStreamsStillServe(apiKey: string, taskId: string): Promise<void> {
  const client = wsClient(gateway.url, apiKey);
  try {
    const updates = subscribeWs<{ taskUpdated: { id: string } }>(client, 'subscription($id: ID) { taskUpdated(taskId: $id) { id } }', { id: taskId });
    expect((await updates.next())?.data?.taskUpdated.id).toBe(taskId);
    await updates.close();
  } finally {
    await client.dispose();
  }
}

describe(`random operations over streams (seed ${settings.seed})`, () => {
  const overSse = share(settings, 0.15);
  it(`SSE: ${overSse} operations, mostly subscriptions on live events, get no 5xx and nothing of the server's insides`, async () => {
    const world = await givenFuzzWorld(gateway);
    const events = churn(gateway, world.apiKey);
    const failures = await storm(settings, 3, overSse, 8, async (rng) => {
      const operation = randomOperation(rng, schema, world.dictionary, KINDS);
      const { header } = authorizationFor(rng, world);
      const answer = await sse(gateway.url, operation, header, LISTEN_MS);
      return { sent: { operation, authorization: header }, status: answer.status, problems: problemsOf(answer), answer: answer.text };
    });
    expect(await events.stop()).toBeGreaterThan(0);
    expect(failures.map((failure) => failure.index), report(settings, `${overSse} SSE operations`, failures)).toEqual([]);
    await expectStillServing(gateway, world);
    await expectStreamsStillServe(world.apiKey, world.knownTaskId);
  });

  const overWs = share(settings, 0.15);
  it(`WebSocket: ${overWs} operations get no fault close, nothing of the server's insides, and nothing for a refused key`, async () => {
    const world = await givenFuzzWorld(gateway);
    const events = churn(gateway, world.apiKey);
    // One connection per key, shared by its operations as a real client shares it.
    const sessions = new Map<string, WsSession>();
    const sessionOf = (authorization: Authorization): WsSession => {
      const key = authorization.header ?? '';
      const session = sessions.get(key) ?? wsSession(gateway.url, authorization.header, !authorization.client);
      sessions.set(key, session);
      return session;
    };
    try {
      const failures = await storm(settings, 4, overWs, 8, async (rng) => {
        const operation = randomOperation(rng, schema, world.dictionary, KINDS);
        const authorization = authorizationFor(rng, world);
        const outcome = await sessionOf(authorization).run(operation, LISTEN_MS);
        return { sent: { operation, authorization: authorization.header }, status: 0, problems: outcome.problems, answer: outcome.text };
      });
      expect(failures.map((failure) => failure.index), report(settings, `${overWs} WebSocket operations`, failures)).toEqual([]);
    } finally {
      for (const session of sessions.values()) await session.dispose();
      await events.stop();
    }
    await expectStreamsStillServe(world.apiKey, world.knownTaskId);
  });

  const scripts = share(settings, 0.05);
  it(`WebSocket: ${scripts} scripts of malformed frames are refused by the protocol, never by a fault`, async () => {
    const world = await givenFuzzWorld(gateway);
    const failures = await storm(settings, 5, scripts, 5, async (rng) => {
      const { header } = authorizationFor(rng, world);
      const operation = randomOperation(rng, schema, world.dictionary, KINDS).query;
      const frames = Array.from({ length: rng.between(1, 4) }, () => randomFrame(rng, header, operation));
      const protocol = rng.chance(0.9) ? 'graphql-transport-ws' : rng.pick(['graphql-ws', 'x']);
      const outcome = await sendFrames(gateway.url, frames, LISTEN_MS, protocol);
      const sent = { protocol, frames: frames.map((frame) => (typeof frame === 'string' ? frame.slice(0, 500) : `<${frame.length} bytes>`)) };
      return { sent, status: outcome.close?.code ?? 0, problems: outcome.problems, answer: JSON.stringify(outcome) };
    });
    expect(failures.map((failure) => failure.index), report(settings, `${scripts} frame scripts`, failures)).toEqual([]);
    await expectStreamsStillServe(world.apiKey, world.knownTaskId);
  });
});
