import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { ADDRESS_REFUSED, addressPolicy, guardedLookup, refusalOf, urlRefusal } from '../../src/webhooks/address-guard.ts';

const NOTHING_ALLOWED = addressPolicy([]);

describe('the addresses webhooks may call', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['64:ff9b::a00:1', 'private'],
    ['::7f00:1', 'reserved'],
    ['fd00::1', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['not-an-address', 'not an IP address'],
  ])('refuse %s as %s', (address, reason) => {
    expect(refusalOf(address, NOTHING_ALLOWED)).toBe(reason);
  });

  it.each(['8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])('allow the public address %s', (address) => {
    expect(refusalOf(address, NOTHING_ALLOWED)).toBeUndefined();
  });

  it('allow a single address named in the allow-list, and no other', () => {
    const policy = addressPolicy(['127.0.0.1']);
    expect(refusalOf('127.0.0.1', policy)).toBeUndefined();
    expect(refusalOf('::ffff:127.0.0.1', policy)).toBeUndefined();
    expect(refusalOf('127.0.0.2', policy)).toBe('loopback');
    expect(refusalOf('::1', policy)).toBe('loopback');
  });

  it('allow every address of a CIDR in the allow-list', () => {
    const policy = addressPolicy(['10.0.0.0/8', 'fd00::/8']);
    expect(refusalOf('10.255.0.1', policy)).toBeUndefined();
    expect(refusalOf('fd12::1', policy)).toBeUndefined();
    expect(refusalOf('192.168.1.1', policy)).toBe('private');
  });

  it.each(['localhost', '10.1', '10.0.0.0/33', ''])('refuse the allow-list entry "%s" with the setting named', (entry) => {
    expect(() => addressPolicy([entry])).toThrow(`TASKGATE_WEBHOOK_ALLOWED_ADDRESSES: "${entry}" is not an address or CIDR`);
  });
});

describe('the webhook URLs that can be saved', () => {
  it.each([
    ['not a url', 'url is not a valid URL.'],
    ['ftp://x', 'url must be an http: or https: URL.'],
    ['http://user:pw@host', 'url may not carry a username or password.'],
    ['http://localhost:1234', 'url resolves to 127.0.0.1, a loopback address, which webhooks may not call.'],
    ['http://[::1]/hook', 'url resolves to ::1, a loopback address, which webhooks may not call.'],
    ['http://2130706433/', 'url resolves to 127.0.0.1, a loopback address, which webhooks may not call.'],
    ['https://169.254.169.254/latest/meta-data', 'url resolves to 169.254.169.254, a link-local address, which webhooks may not call.'],
    ['https://no-such-host.invalid/', 'url host "no-such-host.invalid" does not resolve to an address.'],
  ])('refuse %s', async (url, message) => {
    expect(await urlRefusal(url, NOTHING_ALLOWED)).toBe(message);
  });

  it('accept a public IP literal, and a refused host once the allow-list names its address', async () => {
    expect(await urlRefusal('https://8.8.8.8/hook', NOTHING_ALLOWED)).toBeUndefined();
    expect(await urlRefusal('http://localhost:1234/hook', addressPolicy(['127.0.0.0/8']))).toBeUndefined();
  });
});

describe('the lookup used when connecting', () => {
  function lookUp(policy: ReturnType<typeof addressPolicy>, all: boolean) {
    return new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family: number | undefined }>((resolve) => {
      guardedLookup(policy)('localhost', { all, family: 0 }, (error, address, family) => {
        resolve({ error, address, family });
      });
    });
  }

  it('refuse a host resolving to a refused address, in both call forms', async () => {
    for (const all of [true, false]) {
      const { error } = await lookUp(NOTHING_ALLOWED, all);
      expect(error?.code).toBe(ADDRESS_REFUSED);
      expect(error?.message).toBe('address refused: 127.0.0.1 is loopback');
    }
  });

  it('answer with every address when asked for all, and with the first and its family otherwise', async () => {
    const allowed = addressPolicy(['127.0.0.1']);
    expect(await lookUp(allowed, true)).toEqual({ error: null, address: [{ address: '127.0.0.1', family: 4 }], family: undefined });
    expect(await lookUp(allowed, false)).toEqual({ error: null, address: '127.0.0.1', family: 4 });
  });
});
