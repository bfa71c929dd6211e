import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { nextFrames } from '../../src/http/next-frames.ts';

interface Pair {
  server: Server;
  client: WebSocket;
  serverSide: WebSocket;
  request: IncomingMessage;
}

const open: Pair[] = [];

/** A real server and client over loopback; the server compresses when `perMessageDeflate` is set, as ws negotiates it. */
async function connectedPair(perMessageDeflate: boolean): Promise<Pair> {
  const server = createServer();
  const wss = new WebSocketServer({ server, perMessageDeflate });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const accepted = once(wss, 'connection') as Promise<[WebSocket, IncomingMessage]>;
  const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`, { perMessageDeflate });
  const [serverSide, request] = await accepted;
  await once(client, 'open');
  const pair = { server, client, serverSide, request };
  open.push(pair);
  return pair;
}

function received(client: WebSocket, count: number): Promise<string[]> {
  const messages: string[] = [];
  return new Promise((resolve) => {
    client.on('message', (data: Buffer, isBinary: boolean) => {
      messages.push(isBinary ? '(binary)' : data.toString());
      if (messages.length === count) resolve(messages);
    });
  });
}

afterEach(async () => {
  for (const { client, server } of open.splice(0)) {
    client.terminate();
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  }
});

// Lengths that take each of a frame's three length encodings: 7 bits, 16 bits and 64 bits.
const PAYLOADS = [10, 1_000, 70_000].map((size) => JSON.stringify({ data: { text: 'é'.repeat(size) } }));

describe('next frames written from a shared payload', () => {
  it.each([false, true])('reach a ws client as graphql-ws next messages, whatever their length (compressed: %s)', async (perMessageDeflate) => {
    const { client, serverSide, request } = await connectedPair(perMessageDeflate);
    expect(serverSide.extensions === '').toBe(!perMessageDeflate);
    const frames = nextFrames(serverSide, request.socket, 'sub-7', 1 << 30);
    const messages = received(client, PAYLOADS.length);
    for (const json of PAYLOADS) frames.prepare({ json })?.();
    expect((await messages).map((message) => JSON.parse(message) as unknown)).toEqual(
      PAYLOADS.map((json) => ({ id: 'sub-7', type: 'next', payload: JSON.parse(json) as unknown })),
    );
  });

  // Compression runs in the background: a message ws is still compressing must not be overtaken.
  it.each([false, true])('interleave with what ws itself sends in the order they were sent (compressed: %s)', async (perMessageDeflate) => {
    const { client, serverSide, request } = await connectedPair(perMessageDeflate);
    const frames = nextFrames(serverSide, request.socket, '1', 1 << 30);
    const messages = received(client, 3);
    const first = 'first '.repeat(1_000);
    serverSide.send(first);
    frames.prepare({ json: '{"n":2}' })?.();
    serverSide.send('third');
    expect(await messages).toEqual([first, '{"id":"1","type":"next","payload":{"n":2}}', 'third']);
  });

  it('are declined once the socket holds more than its limit unsent, or is closing', async () => {
    const { serverSide, request } = await connectedPair(false);
    const frames = nextFrames(serverSide, request.socket, '1', 0);
    expect(frames.prepare({ json: '{}' })).toBeDefined();
    request.socket.cork();
    frames.prepare({ json: '{}' })?.();
    expect(frames.prepare({ json: '{}' })).toBeUndefined();
    request.socket.uncork();
    serverSide.close();
    expect(nextFrames(serverSide, request.socket, '2', 1 << 30).prepare({ json: '{}' })).toBeUndefined();
  });
});
