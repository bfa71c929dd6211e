import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
} from 'graphql';
import { type Dictionary, invalidValue, validValue } from './input-values.ts';
import { literal } from './literal.ts';
import type { Random } from './random.ts';

/** What one operation is being built with: its variables and named fragments grow as selections are written. */
export interface Draft {
  rng: Random;
  schema: GraphQLSchema;
  dictionary: Dictionary;
  /**
   * A sloppy operation makes mistakes (unknown fields and arguments, values of
   * the wrong type, misplaced fragments); a clean one only sends odd values
   * of the right types, so it gets past validation to the resolvers.
   */
  sloppy: boolean;
  /** Declarations (`$v1: ID`) and their values; a value of undefined is left out of `variables`. */
  variables: { name: string; type: string; value: unknown }[];
  fragments: string[];
  /** Fields still to write; when spent, selections close with `__typename`. */
  budget: number;
  maxDepth: number;
}

const BOGUS_FIELDS = ['secret', 'password', 'apiKey', 'accountId', 'hash', '__proto__', 'constructor'];

function mistake(draft: Draft, p: number): boolean {
  return draft.sloppy && draft.rng.chance(p);
}

function argumentsOf(draft: Draft, args: readonly GraphQLArgument[]): string {
  const { rng } = draft;
  const written: string[] = [];
  for (const arg of args) {
    const required = isNonNullType(arg.type) && arg.defaultValue === undefined;
    if ((!required || mistake(draft, 0.1)) && rng.chance(0.45)) continue;
    const value = mistake(draft, 0.3) ? invalidValue(rng, arg.type, arg.name, draft.dictionary) : validValue(rng, arg.type, arg.name, draft.dictionary);
    if (rng.chance(0.5)) {
      written.push(`${arg.name}: ${literal(value, arg.type)}`);
      continue;
    }
    const name = `v${draft.variables.length}`;
    const type = mistake(draft, 0.1) ? rng.pick(['Int', 'String!', '[ID]', 'Boolean', 'SubmitTaskInput']) : arg.type.toString();
    draft.variables.push({ name, type, value: mistake(draft, 0.1) ? undefined : value });
    written.push(`${arg.name}: $${name}`);
  }
  if (mistake(draft, 0.03)) written.push(`${rng.pick(['id', 'limit', 'where', 'accountId'])}: 1`);
  return written.length > 0 ? `(${written.join(', ')})` : '';
}

function directive(draft: Draft): string {
  const { rng } = draft;
  if (!rng.chance(0.05)) return '';
  if (mistake(draft, 0.2)) return ' @unknownDirective';
  const name = `v${draft.variables.length}`;
  draft.variables.push({ name, type: 'Boolean!', value: mistake(draft, 0.2) ? 'yes' : rng.chance(0.5) });
  return ` @${rng.pick(['include', 'skip'])}(if: $${name})`;
}

function fieldSelection(draft: Draft, field: GraphQLField<unknown, unknown>, depth: number): string {
  const { rng } = draft;
  draft.budget -= 1;
  // Aliases are numbered per operation, so two never name different fields unless by mistake.
  const alias = rng.chance(0.15) ? `${mistake(draft, 0.3) ? 'same' : `a${rng.int(1_000_000)}`}: ` : '';
  return `${alias}${field.name}${argumentsOf(draft, field.args)}${directive(draft)}${selectionOf(draft, getNamedType(field.type), depth + 1)}`;
}

function objectSelections(draft: Draft, type: GraphQLNamedType, depth: number): string[] {
  const { rng } = draft;
  if (!isObjectType(type) && !isInterfaceType(type)) return [];
  const fields = Object.values(type.getFields());
  const chosen = rng.chance(0.1) ? fields : rng.some(fields, 4);
  // An operation that selects no real root field tests nothing past validation.
  if (chosen.length === 0 && depth === 0 && fields.length > 0) chosen.push(rng.pick(fields));
  const parts = chosen.filter(() => draft.budget > 0).map((field) => fieldSelection(draft, field, depth));
  // Many aliases of one field, sometimes past the alias limit.
  if (rng.chance(0.03) && fields.length > 0) {
    const field = rng.pick(fields);
    const leaf = isLeafType(getNamedType(field.type)) && field.args.every((arg) => !isNonNullType(arg.type));
    if (leaf) for (let i = rng.pick([5, 31, 60]); i > 0; i--) parts.push(`r${i}: ${field.name}`);
  }
  return parts;
}

function fragments(draft: Draft, type: GraphQLNamedType, depth: number): string[] {
  const { rng, schema } = draft;
  const parts: string[] = [];
  if (isAbstractType(type)) {
    const possible = schema.getPossibleTypes(type);
    for (const member of possible) if (rng.chance(0.6)) parts.push(`... on ${member.name}${selectionOf(draft, member, depth)}`);
    const errors = schema.getType('Error');
    if (errors && isInterfaceType(errors) && possible.some((member) => member.getInterfaces().includes(errors)) && rng.chance(0.3)) {
      parts.push('... on Error { code message status retryable }');
    }
  }
  if (rng.chance(0.05)) parts.push(`... on ${type.name}${selectionOf(draft, type, depth)}`);
  if (rng.chance(0.05)) {
    const name = `F${draft.fragments.length}`;
    draft.fragments.push(`fragment ${name} on ${type.name}${selectionOf(draft, type, depth)}`);
    parts.push(`...${name}`);
  }
  if (mistake(draft, 0.05)) parts.push('... on Model { name }');
  return parts;
}

/** The selection set a field of `type` needs (none for a leaf), at `depth` levels down. */
export function selectionOf(draft: Draft, type: GraphQLNamedType, depth: number): string {
  if (isLeafType(type)) return mistake(draft, 0.01) ? ' { __typename }' : '';
  if (depth >= draft.maxDepth || draft.budget <= 0) return ' { __typename }';
  const parts = [...objectSelections(draft, type, depth), ...fragments(draft, type, depth)];
  if (mistake(draft, 0.05)) parts.push(draft.rng.pick(BOGUS_FIELDS));
  if (draft.rng.chance(0.3) || parts.length === 0) parts.push('__typename');
  return ` { ${parts.join(' ')} }`;
}

/** A selection of exactly one field of `type`, as a subscription must have. */
export function oneFieldOf(draft: Draft, type: GraphQLNamedType): string {
  if (!isObjectType(type)) return selectionOf(draft, type, 0);
  return ` { ${fieldSelection(draft, draft.rng.pick(Object.values(type.getFields())), 0)} }`;
}
