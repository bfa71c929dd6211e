import { readFileSync } from 'node:fs';
import { buildSchema, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import type { Dictionary } from './input-values.ts';
import type { Random } from './random.ts';
import { type Draft, oneFieldOf, selectionOf } from './selections.ts';

export type OperationKind = 'query' | 'mutation' | 'subscription';

export interface FuzzOperation {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

/** The schema clients see, as printed: operations are made from what is published, not from the code. */
export function publishedSchema(): GraphQLSchema {
  return buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));
}

const INTROSPECTION = [
  '{ __schema { queryType { name } types { name kind fields { name args { name type { name kind ofType { name } } } } } } }',
  '{ __type(name: "Task") { name fields { name type { name kind } } } }',
  '{ __type(name: "NoSuchType") { name } }',
  '{ __typename }',
];

function rootOf(schema: GraphQLSchema, kind: OperationKind): GraphQLObjectType {
  const root = { query: schema.getQueryType(), mutation: schema.getMutationType(), subscription: schema.getSubscriptionType() }[kind];
  if (!root) throw new Error(`the schema has no ${kind} type`);
  return root;
}

/** Breaks the text the way a careless client or a truncated request would. */
function corrupt(rng: Random, text: string): string {
  const at = rng.int(text.length + 1);
  switch (rng.int(5)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + rng.int(5));
    case 2:
      return text.slice(0, at) + rng.pick(['{', '}', '(', ')', '[', ']', ':', '$', '@', '!', '...', '"', '#', '\\', '\u0000', '\ufeff']) + text.slice(at);
    case 3:
      return text + text;
    default:
      return `${text} ${rng.pick(['query', 'mutation', 'subscription', 'fragment F on Task { id }', '{ models { name } }'])}`;
  }
}

function operationText(draft: Draft, kind: OperationKind, name: string | undefined): string {
  const { rng } = draft;
  const root = rootOf(draft.schema, kind);
  // A subscription may select one root field; now and then it gets two, which must be refused.
  const selection = kind === 'subscription' && !(draft.sloppy && rng.chance(0.2)) ? oneFieldOf(draft, root) : selectionOf(draft, root, 0);
  const declarations = draft.variables.map((variable) => `$${variable.name}: ${variable.type}`);
  if (declarations.length === 0 && !name) {
    // A bare selection set is a query, as clients often write it.
    return `${kind === 'query' && rng.chance(0.5) ? '' : kind}${selection}`;
  }
  return `${kind} ${name ?? ''}${declarations.length > 0 ? `(${declarations.join(', ')})` : ''}${selection}`;
}

/**
 * A random operation made from the published schema: mostly close to valid
 * (so it reaches resolvers with odd arguments), sometimes deep, wide, aliased
 * or fragmented past the limits, sometimes wrong in type or syntax.
 */
export function randomOperation(rng: Random, schema: GraphQLSchema, dictionary: Dictionary, kinds: readonly OperationKind[]): FuzzOperation {
  if (rng.chance(0.03)) return { query: rng.pick(INTROSPECTION) };
  const kind = rng.pick(kinds);
  const draft: Draft = {
    rng,
    schema,
    dictionary,
    sloppy: rng.chance(0.5),
    variables: [],
    fragments: [],
    budget: rng.chance(0.05) ? 400 : rng.between(3, 40),
    maxDepth: rng.chance(0.1) ? rng.between(10, 18) : rng.between(1, 6),
  };
  const name = rng.chance(0.3) ? `Op${rng.int(100)}` : undefined;
  let query = operationText(draft, kind, name);
  let operationName = name;
  if (draft.sloppy && rng.chance(0.1)) {
    // Two operations in one document: the server must be told which one to run.
    query += `\nquery Other { models { name } }`;
    operationName = rng.chance(0.7) ? rng.pick([name ?? 'Missing', 'Other']) : undefined;
  }
  query = [query, ...draft.fragments].join('\n');
  if (draft.sloppy && rng.chance(0.1)) query = corrupt(rng, query);
  const variables: Record<string, unknown> = {};
  for (const variable of draft.variables) if (variable.value !== undefined) variables[variable.name] = variable.value;
  return { query, variables, ...(operationName === undefined ? {} : { operationName }) };
}
