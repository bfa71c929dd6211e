import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { beforeSend } from './send-coalescing.ts';

/** Writes a subscription's `next` messages to its socket from their payload's JSON, serialized once for all its listeners. */
export interface NextFrames {
  /** The write of one `next` message, or undefined when the socket cannot take one now. */
  prepare(payloadJson: string): (() => void) | undefined;
}

/** The `next` frames of subscription `id` on `socket`, which takes them while it holds less than `maxUnsentBytes` unsent. */
export function nextFrames(socket: WebSocket, transport: Duplex, id: string, maxUnsentBytes: number): NextFrames {
  // graphql-ws's own serialization of a next message, with only the payload spliced in.
  const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  const send = (frame: string): void => {
    beforeSend(transport);
    socket.send(frame);
  };
  return {
    prepare(payloadJson) {
      if (socket.readyState !== socket.OPEN || socket.bufferedAmount > maxUnsentBytes) return undefined;
      return () => {
        send(`${head}${payloadJson}}`);
      };
    },
  };
}

const FRAMES = Symbol('next frames');

/** The operation's root value with its frames, for the executor to find them. */
export function withFrames<T extends object>(rootValue: T, frames: NextFrames): T & { [FRAMES]: NextFrames } {
  return { ...rootValue, [FRAMES]: frames };
}

export function framesOf(rootValue: unknown): NextFrames | undefined {
  return typeof rootValue === 'object' && rootValue !== null && FRAMES in rootValue ? (rootValue[FRAMES] as NextFrames) : undefined;
}
