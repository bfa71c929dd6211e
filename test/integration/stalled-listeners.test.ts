import http from 'node:http';
import type net from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { clientOf } from '../helpers/client.ts';
import { givenAccount } from '../helpers/factories.ts';
import { useTestGateway } from '../helpers/gateway.ts';
import { waitUntil } from '../helpers/wait.ts';

const LISTENER_BYTES = 1024 * 1024;
const gateway = useTestGateway({ env: { TASKGATE_LISTENER_BUFFER_BYTES: String(LISTENER_BYTES) } });

/** Events that carry their task's whole input: about 900 KiB each. */
const HEAVY_EVENTS = 'subscription($after: String) { taskEvents(after: $after) { cursor type task { input } } }';
const HEAVY_INPUT = 'x'.repeat(900 * 1024);
/** Far more than the kernel's loopback buffers and the listener's bound together. */
const TASKS = 40;

interface Received {
  cursor: string;
}

/** An SSE request whose response the test can stop reading, as a client that hangs would: Node then stops reading its socket. */
async function openSse(apiKey: string, after?: string): Promise<{ pause: () => void; resume: () => void; close: () => void; text: () => string }> {
  const body = JSON.stringify({ query: HEAVY_EVENTS, variables: { after } });
  let text = '';
  let response: http.IncomingMessage | undefined;
  const request = http.request(gateway.url, {
    method: 'POST',
    headers: { accept: 'text/event-stream', 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
  });
  request.on('response', (res) => {
    response = res;
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      text += chunk;
    });
  });
  request.on('error', () => undefined);
  request.end(body);
  await new Promise((resolve) => request.once('response', resolve));
  return {
    pause: () => response?.pause(),
    resume: () => response?.resume(),
    close: () => request.destroy(),
    text: () => text,
  };
}

/** The results an SSE stream carried so far, in order. */
function sseResults(text: string): { data?: { taskEvents: Received }; errors?: { extensions?: Record<string, unknown> }[] }[] {
  return [...text.matchAll(/^event: next\ndata: (.*)\n\n/gm)].map((match) => JSON.parse(match[1] ?? '{}') as { data?: { taskEvents: Received } });
}

async function submitHeavy(apiKey: string): Promise<void> {
  const client = clientOf(gateway, apiKey);
  for (let n = 0; n < TASKS; n++) await client.submit({ model: 'upscale', input: { n, HEAVY_INPUT } });
}

describe('a listener that stops reading, bounded by bytes', () => {
  it('over SSE: is cut once it holds its bytes, freed while its client still hangs, and resumes from its cursor with nothing lost', async () => {
    const account = await givenAccount(1_000);
    const before = gateway.events.listenerCount;
    const stalled = await openSse(account.apiKey);
    await waitUntil(() => gateway.events.listenerCount === before + 1);
    stalled.pause();

    await submitHeavy(account.apiKey);
    // Its listener is gone from the hub while nothing has been read: what it held is released.
    await waitUntil(() => gateway.events.listenerCount === before, 10_000);

    stalled.resume();
    await waitUntil(() => sseResults(stalled.text()).some((result) => result.errors), 10_000);
    const results = sseResults(stalled.text());
    const delivered = results.flatMap((result) => (result.data ? [result.data.taskEvents.cursor] : []));
    const closing = results.at(-1)?.errors?.[0]?.extensions;
    expect(closing).toMatchObject({ code: 'SLOW_CONSUMER', retryable: true });
    expect(delivered.length).toBeLessThan(TASKS);
    expect(closing?.resumeAfter).toBe(delivered.at(-1) ?? null);
    stalled.close();

    // From its cursor: every event after the last delivered, exactly once.
    const resumed = await openSse(account.apiKey, delivered.at(-1));
    await waitUntil(() => sseResults(resumed.text()).length >= TASKS - delivered.length, 15_000);
    const rest = sseResults(resumed.text()).map((result) => result.data?.taskEvents.cursor);
    expect(new Set([...delivered, ...rest]).size).toBe(TASKS);
    resumed.close();
  });

  it('over WebSocket: is cut once it holds its bytes, and the client hears why with a cursor to resume from', async () => {
    const account = await givenAccount(1_000);
    const socket = new WebSocket(gateway.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const messages: { type: string; payload?: unknown }[] = [];
    socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString()) as { type: string }));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${account.apiKey}` } }));
    await waitUntil(() => messages.some((message) => message.type === 'connection_ack'));
    const before = gateway.events.listenerCount;
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: HEAVY_EVENTS } }));
    await waitUntil(() => gateway.events.listenerCount === before + 1);
    const raw = (socket as unknown as { _socket: net.Socket })._socket;
    raw.pause();

    await submitHeavy(account.apiKey);
    await waitUntil(() => gateway.events.listenerCount === before, 10_000);

    raw.resume();
    await waitUntil(() => messages.some((message) => message.type === 'error' || (message.type === 'next' && JSON.stringify(message).includes('SLOW_CONSUMER'))), 10_000);
    const nexts = messages.filter((message) => message.type === 'next') as { payload: { data?: { taskEvents: Received }; errors?: { extensions: Record<string, unknown> }[] } }[];
    const delivered = nexts.flatMap((message) => (message.payload.data ? [message.payload.data.taskEvents.cursor] : []));
    const closing = nexts.at(-1)?.payload.errors?.[0]?.extensions;
    expect(closing).toMatchObject({ code: 'SLOW_CONSUMER', resumeAfter: delivered.at(-1) ?? null });
    expect(delivered.length).toBeLessThan(TASKS);
    socket.close();
  });
});
