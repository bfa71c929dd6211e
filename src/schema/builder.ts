import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import type { JsonValue } from '@prisma/client/runtime/client';
import { db } from '../db/client.ts';
import { RateLimitedError } from '../domain/errors.ts';
import type PrismaTypes from '../generated/pothos-types.ts';
import { getDatamodel } from '../generated/pothos-types.ts';
import { OUTCOME_PLUGIN } from './outcome-plugin.ts';
import { PAGE_ARGUMENTS_PLUGIN } from './page-arguments-plugin.ts';
import { RATE_LIMIT_PLUGIN } from './rate-limit-plugin.ts';
import { TEXT_ARGUMENTS_PLUGIN } from './text-arguments-plugin.ts';
import type { Context } from './context.ts';
import { DEFAULT_PAGE, fieldComplexity, MAX_PAGE } from './query-limits.ts';

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  // A connection's `query` may look its cursor up in the database (row-cursor.ts).
  AsyncSelections: true;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: JsonValue; Output: unknown };
  };
}>({
  // Earlier plugins wrap later ones: outcomes see what the errors plugin made of a failure, and the
  // rate limit and argument wrappers sit inside the errors plugin's, so the errors they make are caught there.
  plugins: [
    ComplexityPlugin,
    OUTCOME_PLUGIN,
    ErrorsPlugin,
    RATE_LIMIT_PLUGIN,
    TEXT_ARGUMENTS_PLUGIN,
    PAGE_ARGUMENTS_PLUGIN,
    PrismaPlugin,
    RelayPlugin,
  ],
  defaultFieldNullability: false,
  // The field costs only: the limit is checked per document before execution (`http/complexity-limit.ts`), not per request by walking it.
  complexity: { fieldComplexity, disabled: true },
  errors: {
    // Every field that returns a result union can answer RateLimitedError.
    defaultTypes: [RateLimitedError],
    // Named for the field, as a client would write them: `cancelTask` returns a CancelTaskResult.
    defaultUnionOptions: { name: ({ fieldName }) => `${fieldName.charAt(0).toUpperCase()}${fieldName.slice(1)}Result` },
  },
  prisma: {
    client: () => db(),
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    maxConnectionSize: MAX_PAGE,
    defaultConnectionSize: DEFAULT_PAGE,
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // `node` is defined in node.queries.ts, to keep other accounts' tasks out of it.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
  },
});

builder.queryType({});
builder.mutationType({});
