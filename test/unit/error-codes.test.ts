import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../src/domain/error-codes.ts';
import { schema } from '../../src/schema/index.ts';

const SRC = path.join(import.meta.dirname, '..', '..', 'src');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() && entry.name !== 'generated' ? sourceFiles(path.join(dir, entry.name)) : Promise.resolve([]))),
  );
  return [...entries.filter((entry) => entry.isFile() && entry.name.endsWith('.ts')).map((entry) => path.join(dir, entry.name)), ...nested.flat()];
}

describe('the registry of error codes', () => {
  it('is the ErrorCode enum of the schema, each code described with its status', () => {
    const enumType = schema.getType('ErrorCode');
    if (!isEnumType(enumType)) throw new Error('no ErrorCode enum');
    const values = enumType.getValues();
    expect(values.map((value) => value.name).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const value of values) {
      const spec = ERROR_CODES[value.name as keyof typeof ERROR_CODES];
      expect(value.description).toContain(`status ${spec.status}`);
    }
  });

  it('is where every code in the sources comes from: no error is given a code by hand', async () => {
    const handMade: string[] = [];
    for (const file of await sourceFiles(SRC)) {
      const text = await readFile(file, 'utf8');
      for (const match of text.matchAll(/\bcode:\s*'([A-Z_]+)'/g)) handMade.push(`${path.relative(SRC, file)}: ${match[1] ?? ''}`);
    }
    expect(handMade).toEqual([]);
  });
});
