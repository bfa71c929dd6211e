import WebSocket from 'ws';
import { leaksIn } from '../helpers/leaks.ts';
import type { Random } from './random.ts';

/**
 * Frames a broken or hostile graphql-ws client could send: out of order,
 * of the wrong shape, of types only a server sends, not JSON, binary, or
 * over the size limit. `operation` is a random document to subscribe with.
 */
export function randomFrame(rng: Random, authorization: string | undefined, operation: string): string | Buffer {
  const id = rng.pick<unknown>(['1', '2', '', 7, null, 'x'.repeat(10_000), { id: 1 }]);
  const frames: unknown[] = [
    { type: 'connection_init', payload: authorization === undefined ? {} : { authorization } },
    { type: 'connection_init', payload: rng.pick<unknown>(['x', null, [], { authorization: 123 }, { authorization: ['Bearer x'] }]) },
    { type: 'subscribe', id, payload: { query: operation, variables: rng.pick<unknown>([{}, null, [], 'x', { v0: 1 }]) } },
    { type: 'subscribe', id, payload: rng.pick<unknown>([{ query: 1 }, {}, null, 'x', { query: operation, extensions: 'x' }]) },
    { type: 'complete', id },
    { type: rng.pick(['ping', 'pong']), payload: rng.pick<unknown>([undefined, {}, 'x', [1]]) },
    { type: rng.pick(['next', 'error', 'connection_ack', 'start', 'stop', 'connection_terminate', '', 'SUBSCRIBE']), id, payload: {} },
    { id, payload: {} },
  ];
  switch (rng.int(12)) {
    case 0:
      return rng.pick(['{', 'null', '[]', '""', '\u0000', '{"type":', '1e999']);
    case 1:
      return Buffer.from(Array.from({ length: rng.pick([1, 64, 4_096]) }, () => rng.int(256)));
    case 2:
      return JSON.stringify({ type: 'subscribe', id: '9', payload: { query: `#${'x'.repeat(1_100_000)}` } });
    default:
      return JSON.stringify(rng.pick(frames));
  }
}

/** What a script of frames got: the server's messages and how it closed the socket. */
export interface FramesOutcome {
  messages: string[];
  close?: { code: number; reason: string };
  problems: string[];
}

/** Closes that answer a protocol or size violation; a close that says the server failed (1011, 4500) is a fault. */
const FAULT_CLOSES = new Set([1006, 1011, 1013, 4500]);

/**
 * graphql-ws answers a message of a type only servers send (`next`, `error`,
 * `connection_ack`) by closing with 4500 rather than 4400; that socket is the
 * sender's own, and nothing leaks, so it is the library's answer, not a fault.
 */
function sentServerMessage(frames: (string | Buffer)[]): boolean {
  return frames.some((frame) => typeof frame === 'string' && /"type":"(?:next|error|connection_ack)"/.test(frame));
}

/** A handshake refused before the socket opened, unless the server failed (a 5xx), is a refusal, not a fault. */
function refusedHandshake(message: string): boolean {
  return !/\b5\d\d\b/.test(message);
}

/** Sends `frames` over a fresh socket, listens for `ms`, and judges what came back. */
export function sendFrames(httpUrl: string, frames: (string | Buffer)[], ms: number, protocol = 'graphql-transport-ws'): Promise<FramesOutcome> {
  const socket = new WebSocket(httpUrl.replace(/^http/, 'ws'), protocol);
  const messages: string[] = [];
  let close: FramesOutcome['close'];
  let opened = false;
  return new Promise((resolve) => {
    const finish = (): void => {
      clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.terminate();
      const problems = messages.flatMap((message) => leaksIn(message));
      for (const message of messages) {
        try {
          JSON.parse(message);
        } catch {
          problems.push(`a message that is not JSON: ${message.slice(0, 200)}`);
        }
      }
      const excused = close?.code === 4500 && sentServerMessage(frames);
      if (close && FAULT_CLOSES.has(close.code) && !excused) problems.push(`socket closed ${close.code} ${close.reason}`);
      if (close) problems.push(...leaksIn(close.reason));
      resolve({ messages, close, problems });
    };
    const timer = setTimeout(finish, ms);
    socket.on('open', () => {
      opened = true;
      for (const frame of frames) socket.send(frame);
    });
    socket.on('message', (data: Buffer) => messages.push(data.toString()));
    socket.on('close', (code, reason) => {
      close = { code, reason: reason.toString() };
      finish();
    });
    socket.on('error', (error) => {
      if (opened || !refusedHandshake(error.message)) close = { code: 1006, reason: error.message };
      finish();
    });
  });
}
