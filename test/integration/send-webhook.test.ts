import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it } from 'vitest';
import { addressPolicy } from '../../src/webhooks/address-guard.ts';
import { newWebhookSecret, sendWebhook, type WebhookAttempt } from '../../src/webhooks/send-webhook.ts';

const LOCAL_ALLOWED = addressPolicy(['127.0.0.1']);

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  url: string;
  received: Received[];
  /** TCP connections accepted, whether or not a request came over them. */
  connections: () => number;
}

const servers: http.Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((resolve) => {
          server.closeAllConnections();
          server.close(resolve);
        }),
    ),
  );
});

/** A real HTTP server on a free port of 127.0.0.1, recording each request before `answer` handles it. */
async function receiver(answer: (response: http.ServerResponse) => void): Promise<Receiver> {
  const received: Received[] = [];
  let connections = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(response);
    });
  });
  server.on('connection', () => (connections += 1));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, connections: () => connections };
}

function status(code: number, headers: http.OutgoingHttpHeaders = {}) {
  return (response: http.ServerResponse) => response.writeHead(code, headers).end(`answered ${code}`);
}

function attemptAt(url: string, overrides: Partial<WebhookAttempt> = {}): WebhookAttempt {
  return {
    url,
    body: JSON.stringify({ type: 'task.succeeded', data: { id: 'task_1', note: 'naïve ✓' } }),
    messageId: 'evt_0000000042',
    timestamp: Math.floor(Date.now() / 1000),
    secrets: [newWebhookSecret()],
    timeoutMs: 2_000,
    ...overrides,
  };
}

describe('a webhook delivery attempt', () => {
  it('is delivered on a 2xx, signed by every secret so a receiver holding either verifies it', async () => {
    const hook = await receiver(status(200));
    const secrets = [newWebhookSecret(), newWebhookSecret()];
    const attempt = attemptAt(hook.url, { secrets });
    const outcome = await sendWebhook(attempt, LOCAL_ALLOWED);
    expect(outcome).toMatchObject({ kind: 'delivered', status: 200, responseBody: 'answered 200' });
    const [request] = hook.received;
    if (request === undefined) throw new Error('nothing was received');
    expect(request.body).toBe(attempt.body);
    expect(request.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'taskgate-webhooks',
      'webhook-id': 'evt_0000000042',
      'webhook-timestamp': String(attempt.timestamp),
    });
    const headers = {
      'webhook-id': String(request.headers['webhook-id']),
      'webhook-timestamp': String(request.headers['webhook-timestamp']),
      'webhook-signature': String(request.headers['webhook-signature']),
    };
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of secrets) expect(new Webhook(secret).verify(request.body, headers)).toEqual(JSON.parse(attempt.body));
    expect(() => new Webhook(newWebhookSecret()).verify(request.body, headers)).toThrow('No matching signature found');
  });

  it('is retried on a 5xx', async () => {
    const hook = await receiver(status(500));
    expect(await sendWebhook(attemptAt(hook.url), LOCAL_ALLOWED)).toMatchObject({
      kind: 'retry',
      status: 500,
      error: 'HTTP 500',
      responseBody: 'answered 500',
      retryAfterMs: null,
    });
  });

  it('is retried on a 429 no sooner than its Retry-After seconds', async () => {
    const hook = await receiver(status(429, { 'retry-after': '7' }));
    expect(await sendWebhook(attemptAt(hook.url), LOCAL_ALLOWED)).toMatchObject({ kind: 'retry', status: 429, retryAfterMs: 7_000 });
  });

  it('is retried on a 503 no sooner than its Retry-After date, and no later than a day', async () => {
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    const soon = await sendWebhook(attemptAt((await receiver(status(503, { 'retry-after': inAMinute }))).url), LOCAL_ALLOWED);
    expect(soon.kind === 'retry' ? soon.retryAfterMs : undefined).toBeGreaterThan(55_000);
    const late = await sendWebhook(attemptAt((await receiver(status(503, { 'retry-after': '9999999' }))).url), LOCAL_ALLOWED);
    expect(late).toMatchObject({ kind: 'retry', retryAfterMs: 24 * 60 * 60 * 1000 });
  });

  it('is rejected on a 4xx other than 408 and 429', async () => {
    const hook = await receiver(status(404));
    expect(await sendWebhook(attemptAt(hook.url), LOCAL_ALLOWED)).toMatchObject({ kind: 'rejected', status: 404, error: 'HTTP 404' });
  });

  it('is retried on a redirect, whose target is never requested', async () => {
    const hook = await receiver(status(302, { location: '/elsewhere' }));
    expect(await sendWebhook(attemptAt(hook.url), LOCAL_ALLOWED)).toMatchObject({ kind: 'retry', status: 302 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(hook.received.map((request) => request.path)).toEqual(['/hook']);
  });

  it('is retried once a receiver that never answers has had its timeout', async () => {
    const hook = await receiver(() => undefined);
    const started = performance.now();
    const outcome = await sendWebhook(attemptAt(hook.url, { timeoutMs: 300 }), LOCAL_ALLOWED);
    const took = performance.now() - started;
    expect(outcome).toMatchObject({ kind: 'retry', status: null, error: 'timed out after 300 ms' });
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(800);
  });

  it('is retried when the connection is refused', async () => {
    const closed = await receiver(status(200));
    const port = new URL(closed.url).port;
    await new Promise((resolve) => servers.pop()?.close(resolve));
    expect(await sendWebhook(attemptAt(`http://127.0.0.1:${port}/hook`), LOCAL_ALLOWED)).toMatchObject({
      kind: 'retry',
      status: null,
      error: `connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });

  it('stops reading a body that never ends, keeping at most its first KiB', async () => {
    const hook = await receiver((response) => {
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!response.destroyed && response.write(chunk));
      };
      response.on('error', () => undefined);
      response.on('drain', pump);
      response.writeHead(200);
      pump();
    });
    const started = performance.now();
    const outcome = await sendWebhook(attemptAt(hook.url, { timeoutMs: 10_000 }), LOCAL_ALLOWED);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(outcome).toMatchObject({ kind: 'delivered', status: 200 });
    expect(outcome.responseBody).toBe('x'.repeat(1024));
  });

  it.each(['127.0.0.1', 'localhost'])('is rejected, with nothing sent, when the policy refuses the address (%s)', async (host) => {
    const hook = await receiver(status(200));
    const url = hook.url.replace('127.0.0.1', host);
    expect(await sendWebhook(attemptAt(url), addressPolicy([]))).toMatchObject({
      kind: 'rejected',
      status: null,
      error: 'address refused: 127.0.0.1 is loopback',
    });
    expect(hook.connections()).toBe(0);
    expect(hook.received).toEqual([]);
  });
});

describe('a new webhook secret', () => {
  it('is whsec_ and the base64 of 32 random bytes', () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice('whsec_'.length), 'base64')).toHaveLength(32);
    expect(newWebhookSecret()).not.toBe(secret);
  });
});
