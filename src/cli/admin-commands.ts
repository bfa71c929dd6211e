import { InvalidParamError } from '../domain/errors.ts';
import { createAccount, createApiKey, grantCredits } from '../services/accounts.ts';
import { revokeKey } from '../auth/revocation.ts';
import { createWorker } from '../services/workers.ts';
import { isUuid } from '../schema/global-id.ts';

export type Flags = Record<string, string | undefined>;

export interface Command {
  usage: string;
  run(flags: Flags): Promise<Record<string, unknown>>;
}

function required(flags: Flags, name: string): string {
  const value = flags[name];
  if (value === undefined || value === '') throw new InvalidParamError(name, `--${name} is required.`);
  return value;
}

function wholeNumber(flags: Flags, name: string): number {
  const raw = required(flags, name);
  if (!/^\d+$/.test(raw)) throw new InvalidParamError(name, `--${name} must be a whole number, got "${raw}".`);
  return Number(raw);
}

function accountId(flags: Flags): string {
  const id = required(flags, 'account');
  if (!isUuid(id)) throw new InvalidParamError('account', `--account must be an account id, got "${id}".`);
  return id;
}

/** Each prints one JSON object, so scripts can read the result. */
export const COMMANDS: Record<string, Command> = {
  'account:create': {
    usage: 'account:create --name NAME --credits N',
    run: (flags) => createAccount(required(flags, 'name'), wholeNumber(flags, 'credits')).then((account) => ({ ...account })),
  },
  'worker:create': {
    usage: 'worker:create --name NAME',
    run: (flags) => createWorker(required(flags, 'name')).then((worker) => ({ ...worker })),
  },
  'credits:grant': {
    usage: 'credits:grant --account ID --amount N',
    run: async (flags) => {
      const id = accountId(flags);
      return { accountId: id, balance: await grantCredits(id, wholeNumber(flags, 'amount')) };
    },
  },
  'apikey:create': {
    usage: 'apikey:create --account ID',
    run: async (flags) => {
      const id = accountId(flags);
      return { accountId: id, apiKey: await createApiKey(id) };
    },
  },
  'key:revoke': {
    usage: 'key:revoke --key KEY   (an API key or a worker key)',
    run: async (flags) => ({ revoked: await revokeKey(required(flags, 'key')) }),
  },
};
