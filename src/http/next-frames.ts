import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { beforeSend } from './send-coalescing.ts';

/** A result serialized once for all the listeners of its operation. */
export interface SharedJson {
  readonly json: string;
  /** The JSON with its message's closing brace, as UTF-8, once a socket needed them. */
  tail?: Buffer;
}

/** Writes a subscription's `next` messages to its socket from their payload's JSON, serialized once for all its listeners. */
export interface NextFrames {
  /** The write of one `next` message, or undefined when the socket cannot take one now. */
  prepare(payload: SharedJson): (() => void) | undefined;
}

/** FIN and opcode 1: a whole text message in one frame (RFC 6455, 5.2). */
const FINAL_TEXT = 0x81;
const TWO_BYTE_LENGTH = 126;
const EIGHT_BYTE_LENGTH = 127;

/** A server's frame of the text `head` then `tail`: unmasked, in one buffer, so one write. */
export function textFrame(head: Buffer, tail: Buffer): Buffer {
  const length = head.length + tail.length;
  const lengthBytes = length < TWO_BYTE_LENGTH ? 0 : length <= 0xffff ? 2 : 8;
  const start = 2 + lengthBytes;
  const frame = Buffer.allocUnsafe(start + length);
  frame[0] = FINAL_TEXT;
  if (lengthBytes === 0) frame[1] = length;
  else if (lengthBytes === 2) {
    frame[1] = TWO_BYTE_LENGTH;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = EIGHT_BYTE_LENGTH;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  head.copy(frame, start);
  tail.copy(frame, start + head.length);
  return frame;
}

/** The `next` frames of subscription `id` on `socket`, which takes them while it holds less than `maxUnsentBytes` unsent. */
export function nextFrames(socket: WebSocket, transport: Duplex, id: string, maxUnsentBytes: number): NextFrames {
  // graphql-ws's own serialization of a next message, with only the payload spliced in.
  const head = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  const headBytes = Buffer.from(head);
  // Without an extension (the server offers none), ws sends a text message as one plain frame, at once, so
  // the frame can be built from the shared payload's bytes and written here in the same order ws would.
  const plain = socket.extensions === '';
  const send = (payload: SharedJson): void => {
    beforeSend(transport);
    if (plain) transport.write(textFrame(headBytes, (payload.tail ??= Buffer.from(`${payload.json}}`))));
    else socket.send(`${head}${payload.json}}`);
  };
  return {
    prepare(payload) {
      if (socket.readyState !== socket.OPEN || socket.bufferedAmount > maxUnsentBytes) return undefined;
      return () => {
        send(payload);
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
