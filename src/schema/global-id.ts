import { decodeGlobalID } from '@pothos/plugin-relay';
import { InvalidParamError } from '../domain/errors.ts';

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
 * A page cursor of a connection keyed by uuid, as Pothos writes it
 * (base64 of `GPC:S:<id>`); anything else is InvalidParamError naming `param`,
 * rather than a query the database would refuse.
 */
export function checkUuidCursor(cursor: string | null | undefined, param: string): void {
  if (cursor == null) return;
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  if (!text.startsWith('GPC:S:') || !isUuid(text.slice('GPC:S:'.length))) {
    throw new InvalidParamError(param, `${param} is not a cursor of this connection.`);
  }
}
