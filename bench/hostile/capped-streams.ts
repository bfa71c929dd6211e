import type WebSocket from 'ws';
import { closeSocket, openSocket } from '../ws-listeners.ts';

const REFUSAL = 'SUBSCRIPTION_LIMIT';
/** How long every stream may take to show it is registered, and how often an event is made meanwhile. */
const SETTLE_TIMEOUT_MS = 30_000;
const POKE_EVERY_MS = 200;
/** How long the stream past the cap may go unanswered before it counts as accepted silently. */
const ONE_MORE_TIMEOUT_MS = 5_000;

export interface CappedStreamsOptions {
  /** The gateway's http(s) GraphQL URL. */
  url: string;
  apiKey: string;
  /** Streams to open: the key's cap. */
  streams: number;
  perSocket: number;
  query: string;
  /** Variables of stream `index`, distinct for each so that no two share an execution. */
  variablesOf(index: number): Record<string, unknown>;
  /** Makes one event that every stream accepts, so each shows it is registered. */
  poke(): Promise<void>;
}

/** A stream's state: `waiting` until its first message says whether the gateway took it. */
type State = 'waiting' | 'open' | 'refused' | 'ended';

export interface CappedStreams {
  count(state: State): number;
  /** The first message that ended or refused a stream, if one did. */
  readonly firstEnd: string | undefined;
  /** Events received by all open streams together. */
  deliveries(): number;
  /** Subscribes once more, on a socket of its own, and says how the gateway answered. */
  tryOneMore(): Promise<{ refused: boolean; answer: string }>;
  close(): Promise<void>;
}

/** The id and type graphql-ws writes first in each server message, read without parsing the rest. */
function headerOf(data: Buffer): { id: string; type: string } | undefined {
  const match = /^\{"id":"([^"]+)","type":"(\w+)"/.exec(data.toString('latin1', 0, 64));
  return match?.[1] && match[2] ? { id: match[1], type: match[2] } : undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One key's streams up to its cap over graphql-transport-ws, `perSocket` to a
 * socket, each with variables of its own. Streams are not acknowledged in
 * this protocol, so events are made until each has either heard one (it is
 * registered) or been refused; only then does the one past the cap meet a
 * full count. Messages are counted, not kept: hundreds of listeners hear
 * thousands of events each.
 */
export async function openCappedStreams(options: CappedStreamsOptions): Promise<CappedStreams> {
  const wsUrl = options.url.replace(/^http/, 'ws');
  const states: State[] = Array.from({ length: options.streams }, () => 'waiting');
  const sockets: WebSocket[] = [];
  let firstEnd: string | undefined;
  let deliveries = 0;
  const settleWith = (index: number, state: State, data: Buffer): void => {
    states[index] = state;
    if (state !== 'open') firstEnd ??= data.toString().slice(0, 300);
  };
  const onMessage = (data: Buffer): void => {
    const header = headerOf(data);
    const index = Number(header?.id);
    const state = states[index];
    if (!header || state === undefined) return;
    // An error, a `next` with errors or a completion ends the stream; as its first message, SUBSCRIPTION_LIMIT refuses it.
    if (header.type !== 'next' || data.includes('"errors"')) {
      if (state === 'waiting') settleWith(index, data.includes(REFUSAL) ? 'refused' : 'ended', data);
      else if (state === 'open') settleWith(index, 'ended', data);
      return;
    }
    if (state === 'waiting') states[index] = 'open';
    if (states[index] === 'open') deliveries += 1;
  };
  const openOne = async (first: number): Promise<void> => {
    const socket = await openSocket(wsUrl, options.apiKey, (opening) => sockets.push(opening));
    socket.on('message', onMessage);
    for (let index = first; index < Math.min(first + options.perSocket, options.streams); index++) {
      socket.send(JSON.stringify({ id: String(index), type: 'subscribe', payload: { query: options.query, variables: options.variablesOf(index) } }));
    }
  };
  const close = async (): Promise<void> => {
    await Promise.all(sockets.map(closeSocket));
  };
  const count = (state: State): number => states.filter((each) => each === state).length;

  try {
    const firsts = Array.from({ length: Math.ceil(options.streams / options.perSocket) }, (_, n) => n * options.perSocket);
    await Promise.all(firsts.map(openOne));
    const deadline = performance.now() + SETTLE_TIMEOUT_MS;
    while (count('waiting') > 0 && performance.now() < deadline) {
      await options.poke();
      await sleep(POKE_EVERY_MS);
    }
    if (count('waiting') > 0) throw new Error(`${count('waiting')} of ${options.streams} streams heard nothing within ${SETTLE_TIMEOUT_MS} ms`);
  } catch (error) {
    await close();
    throw error;
  }

  return {
    count,
    get firstEnd() {
      return firstEnd;
    },
    deliveries: () => deliveries,
    async tryOneMore() {
      const socket = await openSocket(wsUrl, options.apiKey, (opening) => sockets.push(opening));
      const reply: { data?: Buffer } = {};
      socket.once('message', (data: Buffer) => {
        reply.data = data;
      });
      socket.send(JSON.stringify({ id: 'one-more', type: 'subscribe', payload: { query: options.query, variables: options.variablesOf(options.streams) } }));
      // Events it would hear were it taken, so a silent acceptance shows as one.
      const deadline = performance.now() + ONE_MORE_TIMEOUT_MS;
      while (!reply.data && performance.now() < deadline) {
        await options.poke();
        await sleep(POKE_EVERY_MS);
      }
      await closeSocket(socket);
      if (!reply.data) return { refused: false, answer: `no answer within ${ONE_MORE_TIMEOUT_MS} ms` };
      return { refused: reply.data.includes(REFUSAL), answer: reply.data.toString().slice(0, 300) };
    },
    close,
  };
}
