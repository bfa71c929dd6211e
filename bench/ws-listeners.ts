import WebSocket from 'ws';

const PROTOCOL = 'graphql-transport-ws';
const ACK_TIMEOUT_MS = 30_000;
const CLOSE_TIMEOUT_MS = 5_000;

/** A message as it arrived, parsed only after the run so parsing does not delay later timestamps. */
export interface Receipt {
  at: number;
  data: Buffer;
}

export interface Listener {
  readonly receipts: Receipt[];
}

export interface ListenerPoolOptions {
  /** The gateway's http(s) GraphQL URL. */
  url: string;
  apiKey: string;
  listeners: number;
  /** Subscriptions multiplexed on one socket; 1 is a socket per listener, as separate clients would open. */
  perSocket: number;
  query: string;
  /** Sockets being opened at once. */
  connectConcurrency: number;
}

export interface ListenerPool {
  readonly listeners: readonly Listener[];
  readonly sockets: number;
  /** Listeners that received at least one message. */
  heard(): number;
  /** Messages received by all listeners together. */
  received(): number;
  /** Sockets the server closed before the pool did. */
  dropped(): number;
  close(): Promise<void>;
}

function awaitAck(socket: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error('no connection_ack'));
    }, ACK_TIMEOUT_MS);
    socket.once('message', (data: Buffer) => {
      clearTimeout(timer);
      const message = JSON.parse(data.toString()) as { type?: string };
      if (message.type === 'connection_ack') resolve();
      else reject(new Error(`expected connection_ack, got ${data.toString()}`));
    });
    socket.once('close', (code, reason) => {
      clearTimeout(timer);
      reject(new Error(`closed before ack: ${code} ${reason.toString()}`));
    });
  });
}

/**
 * A graphql-transport-ws socket, open and acknowledged with the API key in
 * connection_init. `track` gets the socket before it opens, so a caller can
 * terminate it even when opening fails.
 */
export async function openSocket(wsUrl: string, apiKey: string, track: (socket: WebSocket) => void = () => undefined): Promise<WebSocket> {
  const socket = new WebSocket(wsUrl, PROTOCOL, { perMessageDeflate: false });
  track(socket);
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => {
      resolve();
    });
    socket.once('error', reject);
  });
  const ack = awaitAck(socket);
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${apiKey}` } }));
  await ack;
  return socket;
}

/** Closes a socket politely, and forcibly when the server does not answer within CLOSE_TIMEOUT_MS. */
export function closeSocket(socket: WebSocket): Promise<void> {
  return new Promise<void>((resolve) => {
    if (socket.readyState === WebSocket.CLOSED) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      socket.terminate();
    }, CLOSE_TIMEOUT_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.close(1000);
  });
}

/** The subscription id a server message is for: graphql-ws writes `id` first. */
function subscriptionIdOf(data: Buffer): number {
  const match = /^\{"id":"(\d+)"/.exec(data.toString('latin1', 0, 24));
  return match?.[1] ? Number(match[1]) : -1;
}

/**
 * Many graphql-transport-ws subscriptions spread over a number of raw `ws`
 * sockets: the protocol spoken directly, so the load generator spends its CPU
 * on little more than timestamping what arrives.
 */
export async function openListeners(options: ListenerPoolOptions): Promise<ListenerPool> {
  const listeners: { receipts: Receipt[] }[] = [];
  const sockets: WebSocket[] = [];
  let heard = 0;
  let received = 0;
  let dropped = 0;
  let closing = false;
  const wsUrl = options.url.replace(/^http/, 'ws');
  const { perSocket } = options;
  const socketCount = Math.ceil(options.listeners / perSocket);

  const open = async (index: number): Promise<void> => {
    const count = Math.min(perSocket, options.listeners - index * perSocket);
    const socket = await openSocket(wsUrl, options.apiKey, (opening) => sockets.push(opening));
    const own = Array.from({ length: count }, () => ({ receipts: [] as Receipt[] }));
    listeners.push(...own);
    socket.on('message', (data: Buffer) => {
      const at = performance.now();
      const listener = own[subscriptionIdOf(data)];
      if (!listener) return;
      if (listener.receipts.length === 0) heard += 1;
      listener.receipts.push({ at, data });
      received += 1;
    });
    socket.on('close', () => {
      if (!closing) dropped += 1;
    });
    for (let id = 0; id < count; id++) {
      socket.send(JSON.stringify({ id: String(id), type: 'subscribe', payload: { query: options.query } }));
    }
  };

  let nextSocket = 0;
  const opener = async (): Promise<void> => {
    while (nextSocket < socketCount) await open(nextSocket++);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.connectConcurrency, socketCount) }, opener));
  } catch (error) {
    closing = true;
    for (const socket of sockets) socket.terminate();
    throw error;
  }

  return {
    listeners,
    sockets: socketCount,
    heard: () => heard,
    received: () => received,
    dropped: () => dropped,
    async close() {
      closing = true;
      await Promise.all(sockets.map(closeSocket));
    },
  };
}
