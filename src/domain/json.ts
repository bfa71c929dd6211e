import { isStorableText } from './text.ts';

/** A value JSON can hold, as PostgreSQL's jsonb stores it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key in string]?: JsonValue };

/** JSON text with object keys sorted, so equal values give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** Deeper JSON is refused: nothing needs it, and code that walks JSON recursively would overflow its stack on it. */
export const MAX_JSON_DEPTH = 1_000;

/**
 * Why PostgreSQL could not store `value` as jsonb (it refuses the NUL
 * character and unpaired surrogates in strings and keys), or why it is too
 * deep to handle safely; undefined when it can be stored. Walks without
 * recursion, so any depth is measured safely.
 */
export function unstorableJson(value: unknown): string | undefined {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item === 'string') {
      if (!isStorableText(item)) return 'a NUL character or an unpaired surrogate in a string';
      continue;
    }
    if (item === null || typeof item !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return `nesting deeper than ${MAX_JSON_DEPTH} levels`;
    for (const [key, inner] of Object.entries(item)) {
      if (!isStorableText(key)) return 'a NUL character or an unpaired surrogate in a key';
      pending.push([inner, depth + 1]);
    }
  }
  return undefined;
}
