import { InvalidParamError } from './errors.ts';
import { isStorableText } from './text.ts';

export const MAX_INPUT_BYTES = 1024 * 1024;
export const MAX_OUT_TASK_ID_LENGTH = 255;

export function validateProgress(progress: number, param = 'progress'): number {
  if (!Number.isFinite(progress) || progress < 0 || progress > 1) {
    throw new InvalidParamError(param, `${param} must be a number from 0 to 1.`);
  }
  return progress;
}

/** `serialized` is the JSON text of the value, so its size is measured once. */
export function validateJsonSize(serialized: string, param: string): void {
  if (Buffer.byteLength(serialized, 'utf8') > MAX_INPUT_BYTES) {
    throw new InvalidParamError(param, `${param} must be at most 1 MiB of JSON.`);
  }
}

/** An idempotency key is compared exactly, so it must be stored exactly: no control characters, no unpaired surrogates. */
export function validateOutTaskId(outTaskId: string, param = 'outTaskId'): string {
  const length = outTaskId.length;
  // eslint-disable-next-line no-control-regex
  if (length === 0 || length > MAX_OUT_TASK_ID_LENGTH || /[\u0000-\u001f]/.test(outTaskId) || !isStorableText(outTaskId)) {
    throw new InvalidParamError(param, `${param} must be 1 to ${MAX_OUT_TASK_ID_LENGTH} printable characters.`);
  }
  return outTaskId;
}

export const MAX_LEASE_SECONDS = 3_600;

export function validateLeaseSeconds(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_LEASE_SECONDS) {
    throw new InvalidParamError('leaseSeconds', `leaseSeconds must be a whole number from 1 to ${MAX_LEASE_SECONDS}.`);
  }
  return seconds;
}

export const MAX_ERROR_LENGTH = 10_000;

export function validateErrorText(error: string): string {
  if (error.length > MAX_ERROR_LENGTH) throw new InvalidParamError('error', `error must be at most ${MAX_ERROR_LENGTH} characters.`);
  return error;
}
