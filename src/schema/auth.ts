import { type Client, requireClient, requireWorker } from '../auth/caller.ts';
import type { Context } from './context.ts';

/** The calling client: its account and key; anyone else gets InvalidApiKeyError, a worker key included. */
export function clientOf(ctx: Context): Client {
  return requireClient(ctx.caller);
}

/** The caller's account; anyone else gets InvalidApiKeyError, a worker key included. */
export function clientAccountId(ctx: Context): string {
  return requireClient(ctx.caller).accountId;
}

/** The calling worker; anyone else gets InvalidApiKeyError, an API key included. */
export function workerIdOf(ctx: Context): string {
  return requireWorker(ctx.caller).workerId;
}
