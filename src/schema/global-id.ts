import { decodeGlobalID } from '@pothos/plugin-relay';
import { InvalidParamError } from '../domain/errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The row id inside a global id of `typename`, or InvalidParamError naming `param`. */
export function decodeIdOf(typename: string, globalId: string, param: string): string {
  let decoded: { typename: string; id: string } | undefined;
  try {
    decoded = decodeGlobalID(globalId);
  } catch {
    decoded = undefined;
  }
  if (decoded?.typename !== typename || !isUuid(decoded.id)) {
    throw new InvalidParamError(param, `${param} is not a ${typename} id.`);
  }
  return decoded.id;
}
