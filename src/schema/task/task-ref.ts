import { InvalidParamError } from '../../domain/errors.ts';
import type { TaskRef } from '../../services/task-lock.ts';
import { decodeIdOf } from '../global-id.ts';

/** The task a client names by exactly one of its global id and its outTaskId. */
export function taskRefFromArgs(id: string | null | undefined, outTaskId: string | null | undefined, idParam: string): TaskRef {
  if (id != null && outTaskId == null) return { id: decodeIdOf('Task', id, idParam) };
  if (outTaskId != null && id == null) return { outTaskId };
  throw new InvalidParamError(null, `Give exactly one of ${idParam} and outTaskId.`);
}
