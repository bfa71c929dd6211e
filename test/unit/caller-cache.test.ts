import { describe, expect, it } from 'vitest';
import { forgetCallers, rememberedCaller } from '../../src/auth/caller-cache.ts';
import type { Caller } from '../../src/auth/caller.ts';

const CLIENT: Caller = { kind: 'client', accountId: 'account', apiKeyId: 'key' };

/** A lookup that answers when told to, counting how often it was asked. */
function heldLookup(answer: Caller) {
  let release: () => void = () => undefined;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const lookup = {
    calls: 0,
    release,
    run: async (): Promise<Caller> => {
      lookup.calls += 1;
      await released;
      return answer;
    },
  };
  return lookup;
}

describe('the caller cache', () => {
  it('looks a key up once for all the requests that miss it at the same time, then remembers it', async () => {
    forgetCallers();
    const lookup = heldLookup(CLIENT);
    const asked = Array.from({ length: 20 }, () => Promise.resolve(rememberedCaller('hash-busy', lookup.run)));
    lookup.release();
    expect(await Promise.all(asked)).toEqual(Array.from({ length: 20 }, () => CLIENT));
    expect(lookup.calls).toBe(1);
    expect(rememberedCaller('hash-busy', lookup.run)).toEqual(CLIENT);
    expect(lookup.calls).toBe(1);
  });

  it('does not remember what a lookup begun before a revocation found', async () => {
    forgetCallers();
    const before = heldLookup(CLIENT);
    const asked = rememberedCaller('hash-revoked', before.run);
    forgetCallers();
    before.release();
    expect(await asked).toEqual(CLIENT);
    const after = heldLookup({ kind: 'anonymous' });
    const again = rememberedCaller('hash-revoked', after.run);
    after.release();
    expect(await again).toEqual({ kind: 'anonymous' });
    expect(after.calls).toBe(1);
  });

  it('does not remember unknown keys, nor a lookup that failed', async () => {
    forgetCallers();
    const unknown = heldLookup({ kind: 'anonymous' });
    unknown.release();
    await rememberedCaller('hash-unknown', unknown.run);
    await rememberedCaller('hash-unknown', unknown.run);
    expect(unknown.calls).toBe(2);
    await expect(rememberedCaller('hash-failing', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    const recovered = heldLookup(CLIENT);
    recovered.release();
    expect(await rememberedCaller('hash-failing', recovered.run)).toEqual(CLIENT);
  });
});
