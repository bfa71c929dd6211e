import { InvalidParamError } from './errors.ts';
import { isStorableText } from './text.ts';

/** A task's metadata: small enough to be kept on every task and matched by index. */
export const METADATA_LIMITS = { entries: 16, keyLength: 64, valueLength: 512 };
export const TAG_LIMITS = { count: 20, length: 64 };
/** Tags are labels to filter and budget by: words, with `.`, `_`, `-`, `:` and `/` for namespaces. */
const TAG = /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/;

export type Metadata = Record<string, string>;

/** The metadata as stored, or InvalidParamError naming the entry at fault. */
export function checkedMetadata(metadata: Record<string, unknown>, param: string): Metadata {
  const entries = Object.entries(metadata);
  if (entries.length > METADATA_LIMITS.entries) throw new InvalidParamError(param, `${param} may have at most ${METADATA_LIMITS.entries} entries.`);
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > METADATA_LIMITS.keyLength || !isStorableText(key)) {
      throw new InvalidParamError(`${param}.${key}`, `Metadata keys are 1 to ${METADATA_LIMITS.keyLength} characters of text.`);
    }
    if (typeof value !== 'string' || value.length > METADATA_LIMITS.valueLength || !isStorableText(value)) {
      throw new InvalidParamError(`${param}.${key}`, `Metadata values are strings of at most ${METADATA_LIMITS.valueLength} characters.`);
    }
  }
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) as Metadata;
}

export function checkedTag(tag: string, param: string): string {
  if (tag.length > TAG_LIMITS.length || !TAG.test(tag)) {
    throw new InvalidParamError(param, `${param} must be 1 to ${TAG_LIMITS.length} letters, digits or . _ : / - (starting with a letter or digit).`);
  }
  return tag;
}

/** The tags as stored: each checked, sorted, without repeats. */
export function checkedTags(tags: readonly string[], param: string): string[] {
  const unique = [...new Set(tags.map((tag, index) => checkedTag(tag, `${param}.${index}`)))].sort();
  if (unique.length > TAG_LIMITS.count) throw new InvalidParamError(param, `${param} may hold at most ${TAG_LIMITS.count} tags.`);
  return unique;
}
