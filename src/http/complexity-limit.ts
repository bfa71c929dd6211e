import { ComplexityErrorKind, complexityFromQuery, type ComplexityResult } from '@pothos/plugin-complexity';
import { type DocumentNode, type ExecutionArgs, GraphQLError, getOperationAST, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { complexityError, QUERY_LIMITS } from '../schema/query-limits.ts';

/** Distinct variable values measured per document before its entries start over. */
const MEASURED_PER_DOCUMENT = 64;

const measured = new WeakMap<DocumentNode, Map<string, ComplexityResult | undefined>>();

/**
 * The variables a cost can depend on: page sizes, and booleans of
 * `@include`/`@skip`. Strings and input objects never change it, and a
 * submit's input can be a mebibyte.
 */
function costKey(operationName: string | null | undefined, variables: Readonly<Record<string, unknown>> | null | undefined): string {
  let key = operationName ?? '';
  for (const [name, value] of Object.entries(variables ?? {})) {
    if (typeof value === 'number' || typeof value === 'boolean' || value === null) key += `\u0000${name}=${String(value)}`;
  }
  return key;
}

/** The operation alone with the document's fragments, as the cost walk reads the first operation it finds. */
function operationDocument(document: DocumentNode, operationName: string | null | undefined): DocumentNode | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  return { kind: Kind.DOCUMENT, definitions: [operation, ...document.definitions.filter((definition) => definition.kind === Kind.FRAGMENT_DEFINITION)] };
}

/** Undefined when its variables do not coerce: the execution refuses them with their own error. */
function costOf(args: ExecutionArgs): ComplexityResult | undefined {
  const document = operationDocument(args.document, args.operationName);
  if (!document) return undefined;
  try {
    return complexityFromQuery(document, { schema: args.schema, variables: args.variableValues ?? {}, ctx: (args.contextValue ?? {}) });
  } catch (error) {
    if (error instanceof GraphQLError) return undefined;
    throw error;
  }
}

/** An operation's cost, measured once per document and cost-relevant variables: documents repeat, and the walk is a tree per request. */
function cachedCostOf(args: ExecutionArgs): ComplexityResult | undefined {
  let byVariables = measured.get(args.document);
  if (!byVariables) {
    byVariables = new Map();
    measured.set(args.document, byVariables);
  }
  const key = costKey(args.operationName, args.variableValues);
  if (byVariables.has(key)) return byVariables.get(key);
  if (byVariables.size >= MEASURED_PER_DOCUMENT) byVariables.clear();
  const cost = costOf(args);
  byVariables.set(key, cost);
  return cost;
}

function refusal(cost: ComplexityResult): GraphQLError | undefined {
  const limits = { maxComplexity: QUERY_LIMITS.complexity, maxDepth: QUERY_LIMITS.depth, maxBreadth: QUERY_LIMITS.breadth };
  const kind =
    cost.depth > QUERY_LIMITS.depth
      ? ComplexityErrorKind.Depth
      : cost.breadth > QUERY_LIMITS.breadth
        ? ComplexityErrorKind.Breadth
        : cost.complexity > QUERY_LIMITS.complexity
          ? ComplexityErrorKind.Complexity
          : undefined;
  if (!kind) return undefined;
  return complexityError(kind, { ...cost, ...limits });
}

/**
 * The schema's cost limits (depth, breadth, cost: `query-limits.ts`),
 * checked before an operation or a subscription runs, by the cost model of
 * Pothos' complexity plugin. A refusal is `data: null` with the error, as if
 * the first root field had refused it.
 */
export function useComplexityLimit(): Plugin {
  const check = (args: ExecutionArgs, stop: (result: { data: null; errors: GraphQLError[] }) => void): void => {
    const cost = cachedCostOf(args);
    const error = cost && refusal(cost);
    if (error) stop({ data: null, errors: [error] });
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      check(args, setResultAndStopExecution);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      check(args, setResultAndStopExecution);
    },
  };
}
