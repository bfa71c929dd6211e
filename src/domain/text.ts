// eslint-disable-next-line no-control-regex -- the NUL character is the point
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Whether PostgreSQL can store `text` exactly: it refuses the NUL character,
 * and the driver writes an unpaired surrogate as U+FFFD, so two different
 * strings holding one would be stored as the same.
 */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE_TEXT.test(text);
}
