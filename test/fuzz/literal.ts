import { type GraphQLInputType, isEnumType, isInputObjectType, isListType, isNonNullType } from 'graphql';

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/**
 * A JSON value written as a GraphQL literal of `type` (unknown: as the JSON
 * scalar would read it). Names in enum positions become enum literals, as a
 * client writes `runner: CLOUD`; object keys that are not names cannot be
 * written and are left out.
 */
export function literal(value: unknown, type?: GraphQLInputType, depth = 0): string {
  // Deeper than this, the token limit refuses it anyway; written out, it would only overflow this stack.
  if (depth > 300) return 'null';
  const inner = type && isNonNullType(type) ? type.ofType : type;
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) {
    const item = inner && isListType(inner) ? inner.ofType : inner;
    return `[${value.map((element) => literal(element, item, depth + 1)).join(', ')}]`;
  }
  switch (typeof value) {
    case 'string':
      return inner && isEnumType(inner) && NAME.test(value) && !['true', 'false', 'null'].includes(value) ? value : JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'Infinity';
    case 'boolean':
      return String(value);
    case 'object': {
      const fields = inner && isInputObjectType(inner) ? inner.getFields() : undefined;
      const written = Object.entries(value)
        .filter(([key]) => NAME.test(key))
        .map(([key, item]) => `${key}: ${literal(item, fields?.[key]?.type, depth + 1)}`);
      return `{${written.join(', ')}}`;
    }
    default:
      return 'null';
  }
}
