import { InvalidParamError } from '../../domain/errors.ts';
import { validateOutTaskId } from '../../domain/validation.ts';
import type { TaskRef } from '../../db/sql/task-reads.ts';
import { decodeIdOf } from '../global-id.ts';

/** The task a client names by exactly one of its global id and its outTaskId. */
export function taskRefFromArgs(id: string | null | undefined, outTaskId: string | null | undefined, idParam: string): TaskRef {
  if (id != null && outTaskId == null) return { id: decodeIdOf('Task', id, idParam) };
  // Checked as on submit: a key that cannot be stored exactly names no task, and must not reach PostgreSQL.
  if (outTaskId != null && id == null) return { outTaskId: validateOutTaskId(outTaskId) };
  throw new InvalidParamError(null, `Give exactly one of ${idParam} and outTaskId.`);
}
