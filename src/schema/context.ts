import type { RateLimitedError } from '../domain/errors.ts';
import type { EventHub, Transport } from '../events/event-hub.ts';
import type { Caller } from '../auth/caller.ts';
import type { AddressPolicy } from '../webhooks/address-guard.ts';

/** What every resolver may know of its request; read-only. */
export interface Context {
  requestId: string;
  caller: Caller;
  /** This instance's live event stream. */
  events: EventHub;
  /** How the operation arrived, for streams to count their listeners by. */
  transport: Transport;
  /** Which addresses webhook endpoints may be saved with. */
  webhookAddresses: AddressPolicy;
  /** RUNNING tasks one account may have at once. */
  maxRunningPerAccount: number;
  /** Resolves at this instance's next wake-up (a commit here or elsewhere, or the poll), or after `ms`. */
  nextWake: (ms: number, signal?: AbortSignal) => Promise<boolean>;
  /** What aborts when the HTTP client goes away; none over WebSocket. Made when first asked for: most requests never wait on it. */
  abortSignal: () => AbortSignal | undefined;
  /** Set when the caller's key is over its request rate: every root field answers it (schema/rate-limit-plugin.ts). */
  rateLimited?: RateLimitedError;
}
