import { InvalidApiKeyError } from '../domain/errors.ts';

export type Caller =
  | { kind: 'client'; accountId: string; apiKeyId: string }
  | { kind: 'worker'; workerId: string; workerKeyId: string }
  | { kind: 'anonymous' };

export type Client = Extract<Caller, { kind: 'client' }>;
export type WorkerCaller = Extract<Caller, { kind: 'worker' }>;

/** The calling client; anyone else, a worker key included, gets InvalidApiKeyError. */
export function requireClient(caller: Caller): Client {
  if (caller.kind !== 'client') throw new InvalidApiKeyError();
  return caller;
}

/** The calling worker; anyone else, an API key included, gets InvalidApiKeyError. */
export function requireWorker(caller: Caller): WorkerCaller {
  if (caller.kind !== 'worker') throw new InvalidApiKeyError();
  return caller;
}

/** The id of the key the caller used, which rate limits count by; none for an anonymous caller. */
export function keyIdOf(caller: Caller): string | undefined {
  if (caller.kind === 'client') return caller.apiKeyId;
  if (caller.kind === 'worker') return caller.workerKeyId;
  return undefined;
}
