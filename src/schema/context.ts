import type { Caller } from '../services/authenticate.ts';

/** What every resolver may know of its request; read-only. */
export interface Context {
  requestId: string;
  caller: Caller;
}
