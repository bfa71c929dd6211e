import {
  getNamedType,
  type GraphQLInputType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
} from 'graphql';
import {
  NOT_INTS,
  ODD_EVENT_CURSORS,
  ODD_FLOATS,
  ODD_IDS,
  ODD_INTS,
  ODD_MODELS,
  ODD_PAGE_CURSORS,
  ODD_STRINGS,
  oddJson,
} from './odd-values.ts';
import type { Random } from './random.ts';

/** Values the server issued (ids, cursors, keys of tasks), so random operations reach past argument checks. */
export interface Dictionary {
  taskIds: string[];
  outTaskIds: string[];
  eventCursors: string[];
  pageCursors: string[];
}

/** Chooses string values by the argument's name, as a client would fill them. */
function stringFor(rng: Random, name: string, dictionary: Dictionary): string {
  const pools: Record<string, readonly string[]> = {
    taskId: [...dictionary.taskIds, ...ODD_IDS],
    id: [...dictionary.taskIds, ...ODD_IDS],
    taskIds: [...dictionary.taskIds, ...ODD_IDS],
    outTaskId: [...dictionary.outTaskIds, ...ODD_STRINGS],
    model: ODD_MODELS,
    models: ODD_MODELS,
    after: [...dictionary.pageCursors, ...dictionary.eventCursors, ...ODD_PAGE_CURSORS, ...ODD_EVENT_CURSORS],
    before: [...dictionary.pageCursors, ...ODD_PAGE_CURSORS],
  };
  const pool = pools[name] ?? ODD_STRINGS;
  return rng.chance(0.85) ? rng.pick(pool) : rng.pick(ODD_STRINGS);
}

/** A value `type` accepts, as a JSON variable value; odd within the type's own rules. */
export function validValue(rng: Random, type: GraphQLInputType, name: string, dictionary: Dictionary): unknown {
  if (isNonNullType(type)) return presentValue(rng, type.ofType, name, dictionary);
  return rng.chance(0.1) ? null : presentValue(rng, type, name, dictionary);
}

function presentValue(rng: Random, type: GraphQLInputType, name: string, dictionary: Dictionary): unknown {
  if (isListType(type)) {
    const length = rng.pick([0, 1, 1, 2, 3, 30]);
    return Array.from({ length }, () => validValue(rng, type.ofType, name, dictionary));
  }
  if (isEnumType(type)) return rng.pick(type.getValues()).name;
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      if (isNonNullType(field.type) || rng.chance(0.6)) value[field.name] = validValue(rng, field.type, field.name, dictionary);
    }
    return value;
  }
  switch (getNamedType(type).name) {
    case 'Int':
      return rng.pick(ODD_INTS);
    case 'Float':
      return rng.pick(ODD_FLOATS);
    case 'Boolean':
      return rng.chance(0.5);
    case 'JSON':
      return oddJson(rng) ?? {};
    default:
      return stringFor(rng, name, dictionary);
  }
}

/** A value `type` refuses: the wrong kind, out of range, or missing what it requires. */
export function invalidValue(rng: Random, type: GraphQLInputType, name: string, dictionary: Dictionary): unknown {
  if (isNonNullType(type)) return rng.chance(0.3) ? null : invalidValue(rng, type.ofType, name, dictionary);
  if (isListType(type)) return rng.chance(0.5) ? [invalidValue(rng, type.ofType, name, dictionary)] : { not: 'a list' };
  if (isEnumType(type)) return rng.pick(['cloud', 'NOT_A_VALUE', '', 1, true, ['CLOUD']]);
  if (isInputObjectType(type)) {
    return rng.pick([
      'not an object',
      [validValue(rng, type, name, dictionary)],
      { ...(validValue(rng, type, name, dictionary) as object), unknownField: 1 },
      {},
    ]);
  }
  switch (getNamedType(type).name) {
    case 'Int':
      return rng.pick([...NOT_INTS, '1', true, [1], {}]);
    case 'Float':
      return rng.pick(['0.5', true, [0.5], {}, 'Infinity']);
    case 'Boolean':
      return rng.pick(['true', 0, 1, null, []]);
    case 'JSON':
      // Every JSON value is a valid JSON scalar; the only way to refuse one is to make it too big.
      return { big: 'z'.repeat(1_100_000) };
    default:
      return rng.pick([1, 1.5, true, [stringFor(rng, name, dictionary)], { id: 'x' }]);
  }
}
