import { GraphQLError, GraphQLScalarType, type ValueNode } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import type { JsonValue } from '@prisma/client/runtime/client';
import { MAX_JSON_DEPTH, unstorableJson } from '../domain/json.ts';
import { builder } from './builder.ts';

function storable(value: unknown): JsonValue {
  const problem = unstorableJson(value);
  if (problem) throw new GraphQLError(`JSON cannot hold ${problem}.`);
  return value as JsonValue;
}

/**
 * Any JSON value PostgreSQL can store: read as graphql-scalars reads it, then
 * refused as bad input (400) when jsonb could not hold it, rather than
 * failing inside the database.
 */
const StorableJSON = new GraphQLScalarType<JsonValue, unknown>({
  ...JSONResolver.toConfig(),
  description: `${JSONResolver.description ?? ''} Strings and keys cannot contain the NUL character or unpaired surrogates, and nesting stops at ${MAX_JSON_DEPTH} levels.`,
  parseValue: (value) => storable(JSONResolver.parseValue(value)),
  parseLiteral: (ast: ValueNode, variables) => storable(JSONResolver.parseLiteral(ast, variables)),
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('JSON', StorableJSON);
