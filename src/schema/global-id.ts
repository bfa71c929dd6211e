import { decodeGlobalID } from '@pothos/plugin-relay';
import { InvalidParamError } from '../domain/errors.ts';
import { invalidArgument } from './invalid-argument.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The row id inside a global id of `typename`, or undefined when it is not one. */
export function idOf(typename: string, globalId: string): string | undefined {
  try {
    const decoded = decodeGlobalID(globalId);
    return decoded.typename === typename && isUuid(decoded.id) ? decoded.id : undefined;
  } catch {
    return undefined;
  }
}

/** The row id inside a global id of `typename`, or InvalidParamError naming `param`. */
export function decodeIdOf(typename: string, globalId: string, param: string): string {
  const id = idOf(typename, globalId);
  if (id === undefined) throw new InvalidParamError(param, `${param} is not a ${typename} id.`);
  return id;
}

/**
 * The row id inside a page cursor of a connection keyed by uuid, as Pothos
 * writes it (base64 of `GPC:S:<id>`); anything else is refused naming
 * `param` (as InvalidParamError where the field returns that type), rather
 * than a query the database would refuse.
 */
export function uuidOfCursor(cursor: string, param: string, typed: boolean): string {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  const id = text.slice('GPC:S:'.length);
  if (!text.startsWith('GPC:S:') || !isUuid(id)) throw invalidArgument(typed, param, `${param} is not a cursor of this connection.`);
  return id;
}
