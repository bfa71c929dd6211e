import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Random } from './random.ts';

/**
 * Values chosen to break code that trusts its input: edges of number types,
 * bytes PostgreSQL refuses in text, ids and cursors of the right shape around
 * the wrong content. None may contain what the leak check looks for, since
 * error messages echo them.
 */

const SOME_UUID = '0190a0a0-0000-7000-8000-000000000000';
const MAX_INT8 = 9_223_372_036_854_775_807n;

export const ODD_INTS = [0, 1, -1, 2, 7, 30, 100, 101, 3_600, 3_601, 2_147_483_647, -2_147_483_648];
/** Not Int by GraphQL's rules: outside 32 bits or not whole. */
export const NOT_INTS = [2_147_483_648, -2_147_483_649, 1e20, 1.5, -0.5];
export const ODD_FLOATS = [0, 1, 0.5, 0.25, 0.9999999, 1.0000001, -0.0001, 2, -1, 1e-320, 1.7976931348623157e308, -1e308, 5e-324];

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const base64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

export const ODD_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\t\n\r',
  '\u001b[31m',
  '\ud800',
  '\udfff\ud800',
  '\u200b\u200d\ufeff',
  '\u202eevil',
  'Ω≈ç√∫',
  '😀🚀',
  '%s%n%x',
  "' OR '1'='1",
  '"; DROP TABLE "Task"; --',
  '<img src=x onerror=alert(1)>',
  '${7*7}{{7*7}}',
  '__proto__',
  'constructor',
  'null',
  'NaN',
  '-0',
  '1e309',
  'x'.repeat(256),
  'y'.repeat(70_000),
];

/** Global ids: real-looking shapes around the wrong content. */
export const ODD_IDS = [
  encodeGlobalID('Task', SOME_UUID),
  encodeGlobalID('Account', SOME_UUID),
  encodeGlobalID('LedgerEntry', '1'),
  encodeGlobalID('TaskEvent', '1'),
  encodeGlobalID('Task', '42'),
  encodeGlobalID('Task', ''),
  encodeGlobalID('Task', `${SOME_UUID}\u0000`),
  encodeGlobalID('Task', SOME_UUID.toUpperCase()),
  encodeGlobalID('', SOME_UUID),
  base64('Task'),
  base64(':::'),
  'VGFzazo',
  '!!!not-base64!!!',
  SOME_UUID,
  '0',
  '-1',
  base64(`Task:${'f'.repeat(5_000)}`),
];

/** Page cursors in Pothos' format (base64 of `GPC:<tag>:<value>`) with values the columns cannot hold. */
export const ODD_PAGE_CURSORS = [
  base64(`GPC:S:${SOME_UUID}`),
  base64('GPC:S:not-a-uuid'),
  base64('GPC:S:'),
  base64('GPC:I:1'),
  base64('GPC:I:0'),
  base64('GPC:I:-1'),
  base64('GPC:I:1.5'),
  base64(`GPC:I:${MAX_INT8}`),
  base64(`GPC:I:${MAX_INT8 + 1n}`),
  base64('GPC:I:99999999999999999999'),
  base64('GPC:N:1e999'),
  base64('GPC:D:not-a-date'),
  base64('GPC:J:{"id":1}'),
  base64('GPC:J:[1,2'),
  base64('GPC:'),
  base64('GPC'),
  'garbage',
  '',
];

/** Event cursors (base64url of `ev1:<txid>:<id>`) around positions PostgreSQL cannot hold or never issued. */
export const ODD_EVENT_CURSORS = [
  base64url('ev1:1:1'),
  base64url('ev1:0:0'),
  base64url(`ev1:${MAX_INT8}:${MAX_INT8}`),
  base64url(`ev1:${MAX_INT8 + 1n}:1`),
  base64url(`ev1:1:${MAX_INT8 + 1n}`),
  base64url('ev1:9999999999999999999:9999999999999999999'),
  base64url('ev1:18446744073709551615:1'),
  base64url('ev1:-1:-1'),
  base64url('ev2:1:1'),
  base64url('ev1:1'),
  'ev1:1:1',
  'garbage',
];

export const ODD_MODELS = ['image-fast', 'video-hd', 'upscale', 'agent-run', 'IMAGE-FAST', 'image-fast ', 'no-such-model', ''];

/** An arbitrary JSON value: nested, wide, deep or odd in its scalars. */
export function oddJson(rng: Random, depth = 0): unknown {
  const roll = rng.int(depth > 3 ? 4 : 10);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return rng.chance(0.5);
    case 2:
      return rng.pick([...ODD_INTS, ...ODD_FLOATS, 1.2345678901234567e19]);
    case 3:
      return rng.pick(ODD_STRINGS.slice(0, -1));
    case 4:
    case 5:
      return Array.from({ length: rng.int(4) }, () => oddJson(rng, depth + 1));
    case 6:
      return deepJson(rng.pick([50, 500, 3_000]));
    case 7:
      return Array.from({ length: rng.pick([100, 5_000]) }, (_, i) => i);
    default: {
      const keys = ['', 'a', '__proto__', 'constructor', 'x.y', '\u0000', '😀', 'prompt'];
      return Object.fromEntries(rng.some(keys, 4).map((key) => [key, oddJson(rng, depth + 1)]));
    }
  }
}

/** `[[[…]]]` or `{"a":{"a":…}}`, `levels` deep. */
function deepJson(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = i % 2 === 0 ? [value] : { a: value };
  return value;
}
