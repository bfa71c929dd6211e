/**
 * What no answer of the gateway may contain: the signs of a failure inside
 * it (a stack, a path of its files, a message of the database or of the
 * runtime), or the masked "Unexpected error" that stands for one. Patterns
 * match the raw text, JSON escapes included, so a stack inside a JSON string
 * is found too.
 */
const LEAKS: [string, RegExp][] = [
  ['a stack frame', /(?:^|\\n|\n)\s*at (?:async )?(?:[\w$.<>[\]]+ \()?(?:file:\/\/|node:|\/)[^\s"]*:\d+:\d+/],
  ['a "stack" property', /"stack"\s*:/],
  // Absolute paths of source files, not the https URLs GraphiQL's page loads its assets from.
  ['a source file path', /(?:^|[\s"'(])(?:file:\/\/)?\/(?:[\w@.+-]+\/)+[\w@.+-]+\.[cm]?[jt]sx?\b|node_modules|[A-Za-z]:\\\\/],
  ['a masked unexpected error', /Unexpected error|INTERNAL_SERVER_ERROR/],
  ['a Prisma message', /Prisma|Invalid `|invocation in/],
  [
    'a PostgreSQL message',
    /violates|duplicate key|syntax error at or near|invalid input (?:syntax|value)|out of range for type|unsupported Unicode escape|invalid byte sequence|stack depth limit|relation "|column "|SQLSTATE/i,
  ],
  ['a JavaScript runtime error', /\b(?:TypeError|ReferenceError|RangeError)\b|Cannot read propert|is not a function|is not iterable|Maximum call stack|of undefined|of null\b/],
  ['a socket error', /\bE(?:CONNREFUSED|CONNRESET|PIPE|TIMEDOUT|ADDRINUSE)\b/],
];

/** The kinds of leak found in `text`; empty when there are none. */
export function leaksIn(text: string): string[] {
  return LEAKS.filter(([, pattern]) => pattern.test(text)).map(([kind]) => kind);
}
