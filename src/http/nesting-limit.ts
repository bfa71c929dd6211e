import type { Plugin } from 'graphql-yoga';
import { graphQLError } from '../schema/graphql-error.ts';

/**
 * How deep brackets may nest in a document's text. graphql-js parses by
 * recursion, a few stack frames a level, and a few thousand levels (a list
 * literal 2,000 deep fits in a few kilobytes) overflow the stack. Selections
 * stop at the depth limit long before this; deeply nested JSON belongs in
 * variables, which are no document.
 */
export const MAX_NESTING = 500;

/** The deepest nesting of `{`, `[` and `(` in GraphQL source, outside strings and comments. */
export function nestingOf(source: string): number {
  let depth = 0;
  let deepest = 0;
  for (let at = 0; at < source.length; at++) {
    const char = source[at];
    if (char === '#') {
      while (at < source.length && source[at] !== '\n' && source[at] !== '\r') at++;
    } else if (char === '"') {
      if (source.startsWith('"""', at)) {
        at += 3;
        while (at < source.length && !source.startsWith('"""', at)) at += source.startsWith('\\"""', at) ? 4 : 1;
        at += 2;
      } else {
        for (at++; at < source.length && source[at] !== '"' && source[at] !== '\n'; at++) if (source[at] === '\\') at++;
      }
    } else if (char === '{' || char === '[' || char === '(') {
      deepest = Math.max(deepest, ++depth);
    } else if (char === '}' || char === ']' || char === ')') {
      depth -= 1;
    }
  }
  return deepest;
}

/** Refuses a document nested deeper than the parser can take, before it tries, as a limit of that operation alone. */
export function useNestingLimit(max = MAX_NESTING): Plugin {
  return {
    onParse({ params }) {
      const source: unknown = params.source;
      const text = typeof source === 'string' ? source : typeof source === 'object' && source !== null && 'body' in source ? String(source.body) : '';
      const nesting = nestingOf(text);
      if (nesting > max) {
        throw graphQLError('QUERY_TOO_COMPLEX', `The document nests ${nesting} levels deep; at most ${max} are allowed.`, {
          limit: 'nesting',
          http: { status: 400 },
        });
      }
    },
  };
}
