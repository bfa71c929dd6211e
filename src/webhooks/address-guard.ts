import dns from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/** The `code` of the Error guardedLookup fails a connection with, so a sender can tell a refusal from a network failure. */
export const ADDRESS_REFUSED = 'WEBHOOK_ADDRESS_REFUSED';

/** Addresses webhooks may reach although they are not public: CIDRs or single addresses, from configuration. */
export interface AddressPolicy {
  readonly allowed: readonly [ipaddr.IPv4 | ipaddr.IPv6, number][];
}

/** IANA allocates global unicast from here only; ipaddr.js calls the rest of the space "unicast" too. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');
/** The NAT64 well-known prefix: the IPv4 address it reaches is its last 32 bits. */
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
/** SIIT's IPv4-translated addresses (RFC 6145), also carrying an IPv4 address in their last 32 bits. */
const IPV4_TRANSLATED = ipaddr.IPv6.parseCIDR('::ffff:0:0:0/96');

export function addressPolicy(allowList: readonly string[]): AddressPolicy {
  return { allowed: allowList.map((entry) => allowedRange(entry.trim())) };
}

function allowedRange(entry: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  // The four-part checks refuse ipaddr.js's lenient forms ("10.1", "0x0a.0.0.1"), which an operator hardly means.
  if (ipaddr.IPv4.isValidCIDRFourPartDecimal(entry) || ipaddr.IPv6.isValidCIDR(entry)) return ipaddr.parseCIDR(entry);
  if (ipaddr.IPv4.isValidFourPartDecimal(entry)) return [ipaddr.IPv4.parse(entry), 32];
  if (ipaddr.IPv6.isValid(entry)) return [ipaddr.IPv6.parse(entry), 128];
  throw new Error(`TASKGATE_WEBHOOK_ALLOWED_ADDRESSES: "${entry}" is not an address or CIDR`);
}

/** Why `address` may not be called ("loopback", "private", "linkLocal", ...), or undefined when it may. */
export function refusalOf(address: string, policy: AddressPolicy): string | undefined {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  const parsed = ipaddr.parse(address);
  const embedded = embeddedIPv4(parsed);
  if (isAllowed(parsed, policy) || (embedded !== undefined && isAllowed(embedded, policy))) return undefined;
  // A mapped or translated address reaches the IPv4 address inside it, so that one is what is judged.
  const judged = embedded ?? parsed;
  const range = judged.range();
  if (range !== 'unicast') return range;
  if (judged.kind() === 'ipv6' && !judged.match(GLOBAL_UNICAST_V6)) return 'reserved';
  return undefined;
}

function embeddedIPv4(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | undefined {
  if (address.kind() === 'ipv4') return undefined;
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  if (!v6.match(NAT64_WELL_KNOWN) && !v6.match(IPV4_TRANSLATED)) return undefined;
  const bytes = v6.toByteArray();
  return new ipaddr.IPv4(bytes.slice(12));
}

function isAllowed(address: ipaddr.IPv4 | ipaddr.IPv6, policy: AddressPolicy): boolean {
  // ipaddr.js throws when matching an IPv4 address against an IPv6 range, or the other way round.
  return policy.allowed.some((range) => range[0].kind() === address.kind() && address.match(range));
}

const DESCRIPTIONS: Partial<Record<string, string>> = {
  loopback: 'a loopback address',
  private: 'a private address',
  linkLocal: 'a link-local address',
  carrierGradeNat: 'a carrier-grade NAT address',
  uniqueLocal: 'a unique-local address',
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

function described(reason: string): string {
  return DESCRIPTIONS[reason] ?? `an address of the special-purpose range "${reason}"`;
}

/**
 * Why a webhook URL cannot be saved, or undefined: it must parse, be http: or https:, carry no username/password,
 * have a host; every address its host resolves to (dns.lookup all:true; an IP literal as is) must pass refusalOf.
 * The message is for a client, e.g. 'url resolves to 127.0.0.1, a loopback address, which webhooks may not call.'
 */
export async function urlRefusal(url: string, policy: AddressPolicy): Promise<string | undefined> {
  if (!URL.canParse(url)) return 'url is not a valid URL.';
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'url must be an http: or https: URL.';
  if (parsed.username !== '' || parsed.password !== '') return 'url may not carry a username or password.';
  const host = hostOf(parsed);
  if (host === '') return 'url has no host.';
  let addresses: string[];
  try {
    addresses = net.isIP(host) === 0 ? (await dns.promises.lookup(host, { all: true })).map((found) => found.address) : [host];
  } catch {
    return `url host "${host}" does not resolve to an address.`;
  }
  for (const address of addresses) {
    const reason = refusalOf(address, policy);
    if (reason !== undefined) return `url resolves to ${address}, ${described(reason)}, which webhooks may not call.`;
  }
  return undefined;
}

/** The host of `url` as net and dns take it: an IPv6 literal without its brackets. */
export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

/**
 * A `lookup` for node:http(s) request options that resolves the host and refuses (with an Error whose code is
 * 'WEBHOOK_ADDRESS_REFUSED') any address refusalOf refuses, so the check holds when connecting, not only when
 * the URL was saved (DNS rebinding). Must handle both the `all: true` and the single-address call forms Node uses.
 */
export function guardedLookup(policy: AddressPolicy): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, '');
        return;
      }
      // Every address is judged, not only the first: Node may fall back to any of them (autoSelectFamily).
      for (const { address } of addresses) {
        const reason = refusalOf(address, policy);
        if (reason !== undefined) {
          callback(Object.assign(new Error(`address refused: ${address} is ${reason}`), { code: ADDRESS_REFUSED }), '');
          return;
        }
      }
      const first = addresses[0];
      if (options.all === true) callback(null, addresses);
      else if (first === undefined) callback(Object.assign(new Error(`${hostname} resolved to no address`), { code: dns.NOTFOUND }), '');
      else callback(null, first.address, first.family);
    });
  };
}
