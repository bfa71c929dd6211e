import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Webhook } from 'standardwebhooks';
import { ADDRESS_REFUSED, type AddressPolicy, guardedLookup, hostOf, refusalOf } from './address-guard.ts';

/** Read no further than this: a receiver answering with gigabytes must cost us nothing. */
const READ_LIMIT_BYTES = 4 * 1024;
/** Of what was read, this much is kept to show why a delivery failed. */
const KEPT_BYTES = 1024;
/** A receiver asking to be left alone longer than a day is retried after a day anyway. */
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

export interface WebhookAttempt {
  url: string;
  /** The JSON body, exactly as signed. */
  body: string;
  /** The Standard Webhooks message id (stable across retries), e.g. an event cursor. */
  messageId: string;
  /** Seconds since the epoch, the webhook-timestamp header. */
  timestamp: number;
  /** `whsec_…` secrets; each signs, so a receiver holding either during a rotation verifies. */
  secrets: readonly string[];
  timeoutMs: number;
}

export type WebhookOutcome =
  | { kind: 'delivered'; status: number; latencyMs: number; responseBody: string }
  /** Worth retrying: 5xx, 408, 429, 3xx (redirects are never followed), a timeout, a connection error. */
  | { kind: 'retry'; status: number | null; latencyMs: number; error: string; responseBody: string; retryAfterMs: number | null }
  /** Not worth retrying: any other 4xx, or an address refused at connect time. */
  | { kind: 'rejected'; status: number | null; latencyMs: number; error: string; responseBody: string };

/** What came back: a status line and the start of the body, or no answer at all. */
type Exchange =
  | { status: number; latencyMs: number; retryAfter: string | undefined; body: Buffer }
  | { status: null; latencyMs: number; failure: Error };

/** A response as it is being read: its first bytes kept, the rest only counted. */
interface Answer {
  status: number;
  latencyMs: number;
  retryAfter: string | undefined;
  kept: Buffer[];
  read: number;
}

/** Receivers kept connections for at once; past this, the least recently used one's are closed. */
const KEPT_RECEIVERS = 256;
const agents = new Map<string, http.Agent>();

/**
 * A kept-alive connection per receiver, as one endpoint is sent one message
 * after another: each new connection is resolved through the guard, and a
 * timed-out or cut-off exchange destroys its own socket, never reused.
 */
function agentFor(url: URL): http.Agent {
  const key = url.origin;
  let agent = agents.get(key);
  if (agent) {
    agents.delete(key);
  } else {
    agent = url.protocol === 'https:' ? new https.Agent({ keepAlive: true, maxSockets: 4 }) : new http.Agent({ keepAlive: true, maxSockets: 4 });
    const oldest = agents.keys().next();
    if (agents.size >= KEPT_RECEIVERS && !oldest.done) {
      agents.get(oldest.value)?.destroy();
      agents.delete(oldest.value);
    }
  }
  agents.set(key, agent);
  return agent;
}

export async function sendWebhook(attempt: WebhookAttempt, policy: AddressPolicy): Promise<WebhookOutcome> {
  const url = URL.canParse(attempt.url) ? new URL(attempt.url) : undefined;
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') {
    return { kind: 'rejected', status: null, latencyMs: 0, error: 'not an http: or https: URL', responseBody: '' };
  }
  // Node connects to an IP literal without calling `lookup`, so a literal is judged here instead.
  const host = hostOf(url);
  const literalRefusal = net.isIP(host) === 0 ? undefined : refusalOf(host, policy);
  if (literalRefusal !== undefined) {
    return { kind: 'rejected', status: null, latencyMs: 0, error: `address refused: ${host} is ${literalRefusal}`, responseBody: '' };
  }
  return outcomeOf(await exchange(url, attempt, policy));
}

function exchange(url: URL, attempt: WebhookAttempt, policy: AddressPolicy): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const request = (url.protocol === 'https:' ? https : http).request(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(attempt.body),
        'user-agent': 'taskgate-webhooks',
        ...signedHeaders(attempt.messageId, attempt.timestamp, attempt.body, attempt.secrets),
      },
      lookup: guardedLookup(policy),
      agent: agentFor(url),
    });
    let answer: Answer | undefined;
    let settled = false;
    const settle = (failure: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      if (answer === undefined) resolve({ status: null, latencyMs: elapsed(), failure });
      else resolve({ status: answer.status, latencyMs: answer.latencyMs, retryAfter: answer.retryAfter, body: Buffer.concat(answer.kept).subarray(0, KEPT_BYTES) });
    };
    // Once the status is in, a timeout only ends the reading of the body; the status still decides.
    const timer = setTimeout(() => {
      settle(new Error(`timed out after ${attempt.timeoutMs} ms`));
    }, attempt.timeoutMs);
    request.on('response', (response) => {
      const read: Answer = { status: response.statusCode ?? 0, latencyMs: elapsed(), retryAfter: response.headers['retry-after'], kept: [], read: 0 };
      answer = read;
      response.on('data', (chunk: Buffer) => {
        if (read.read < KEPT_BYTES) read.kept.push(chunk);
        read.read += chunk.length;
        if (read.read >= READ_LIMIT_BYTES) settle(new Error('response body cut off'));
      });
      response.on('error', settle);
      response.on('close', () => {
        settle(new Error('response closed'));
      });
    });
    request.on('error', settle);
    request.end(attempt.body);
  });
}

function outcomeOf(exchange: Exchange): WebhookOutcome {
  const { latencyMs } = exchange;
  if (exchange.status === null) {
    const error = messageOf(exchange.failure);
    if ((exchange.failure as NodeJS.ErrnoException).code === ADDRESS_REFUSED) return { kind: 'rejected', status: null, latencyMs, error, responseBody: '' };
    return { kind: 'retry', status: null, latencyMs, error, responseBody: '', retryAfterMs: null };
  }
  const { status } = exchange;
  const responseBody = textOf(exchange.body);
  if (status >= 200 && status < 300) return { kind: 'delivered', status, latencyMs, responseBody };
  const error = status >= 300 && status < 400 ? `HTTP ${status}, a redirect, which webhooks do not follow` : `HTTP ${status}`;
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) return { kind: 'rejected', status, latencyMs, error, responseBody };
  const retryAfterMs = status === 429 || status === 503 ? retryAfterMsOf(exchange.retryAfter) : null;
  return { kind: 'retry', status, latencyMs, error, responseBody, retryAfterMs };
}

function messageOf(error: Error): string {
  // Trying each address of a host (autoSelectFamily) fails with an AggregateError whose own message is empty.
  if (error.message === '' && error instanceof AggregateError) {
    return error.errors.map((each: unknown) => (each instanceof Error ? each.message : String(each))).join('; ');
  }
  return error.message;
}

function textOf(body: Buffer): string {
  // `stream` holds back a character cut in half at the end; NUL is replaced because PostgreSQL text cannot store it.
  return new TextDecoder().decode(body, { stream: true }).replaceAll('\u0000', '\ufffd');
}

/** HTTP dates all start with a day name; without that test Date.parse would read "7.5" as a day in July. */
const HTTP_DATE = /^(mon|tue|wed|thu|fri|sat|sun)/i;

function retryAfterMsOf(header: string | undefined): number | null {
  const value = header?.trim() ?? '';
  let ms = Number.NaN;
  if (/^\d+$/.test(value)) ms = Number(value) * 1000;
  else if (HTTP_DATE.test(value)) ms = Date.parse(value) - Date.now();
  return Number.isNaN(ms) ? null : Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/** The three Standard Webhooks headers for a message, signed by every secret (space-separated `v1,…` signatures). */
export function signedHeaders(messageId: string, timestamp: number, body: string, secrets: readonly string[]): Record<string, string> {
  if (secrets.length === 0) throw new Error('a webhook needs at least one secret to be signed with');
  const seconds = Math.floor(timestamp);
  const signedAt = new Date(seconds * 1000);
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(seconds),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(messageId, signedAt, body)).join(' '),
  };
}

/** A new signing secret in the Standard Webhooks form: `whsec_` and base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
