import { InvalidApiKeyError } from '../domain/errors.ts';
import type { Context } from './context.ts';

/** The calling client: its account and key; anyone else gets InvalidApiKeyError, a worker key included. */
export function clientOf(ctx: Context): { accountId: string; apiKeyId: string } {
  if (ctx.caller.kind !== 'client') throw new InvalidApiKeyError();
  if (ctx.rateLimited) throw ctx.rateLimited;
  return ctx.caller;
}

/** The caller's account; anyone else gets InvalidApiKeyError, a worker key included. */
export function clientAccountId(ctx: Context): string {
  return clientOf(ctx).accountId;
}

/** The calling worker; anyone else gets InvalidApiKeyError, an API key included. */
export function workerIdOf(ctx: Context): string {
  if (ctx.caller.kind !== 'worker') throw new InvalidApiKeyError();
  if (ctx.rateLimited) throw ctx.rateLimited;
  return ctx.caller.workerId;
}
