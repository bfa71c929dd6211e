import type { Sql } from './statements.ts';

/** One statement of a pgbench script and the values of its `$1..$n`. */
export interface Step {
  sql: Sql;
  /**
   * `$1..$n` in order, in pgbench's terms: `:name` a variable (from -D, an
   * earlier step's `gset`, or pgbench's own `:client_id`); `'text'` a constant
   * string; NULL, written into the statement since pgbench cannot bind an SQL
   * NULL; anything else a numeric expression (`0`, `-1 * :model_price`), set
   * with `\set` just before the statement.
   */
  params: string[];
  /** Keeps the single row the statement returns as variables named prefix + column. */
  gset?: string;
}

export interface PgbenchScript {
  steps: Step[];
  /** Run-wide variables the steps read, passed with -D. */
  variables: Record<string, string>;
}

export interface RenderedScript {
  /** The script file's text. */
  text: string;
  /** Every -D definition: the script's variables and its constant strings. */
  defines: Record<string, string>;
}

export const BEGIN: Step = { sql: 'BEGIN', params: [] };
export const COMMIT: Step = { sql: 'COMMIT', params: [] };

const VARIABLE = /^:[A-Za-z_][A-Za-z0-9_]*$/;
const QUOTED = /^'((?:[^']|'')*)'$/s;
/** What pgbench takes for a variable in SQL: a single colon and a name (`::` casts are left alone). */
const STRAY_VARIABLE = /(?<!:):[A-Za-z0-9_\u0080-\uffff]/;

function textOf(sql: Sql): string {
  return (typeof sql === 'string' ? sql : sql.text).trim().replace(/;+$/, '');
}

function placeholdersOf(text: string, step: number): number {
  const numbers = [...text.matchAll(/\$(\d+)/g)].map((match) => Number(match[1]));
  const highest = Math.max(0, ...numbers);
  for (let n = 1; n <= highest; n++) {
    if (!numbers.includes(n)) throw new Error(`pgbench step ${step}: the statement uses $${highest} but not $${n}`);
  }
  return highest;
}

/**
 * The script in pgbench's syntax, each `$n` of a statement replaced by a
 * pgbench variable, so that with `-M prepared` PostgreSQL prepares and runs
 * the statement's own text with its parameters bound, as the gateway's pool does.
 */
export function renderScript(script: PgbenchScript): RenderedScript {
  const defines: Record<string, string> = { ...script.variables };
  const lines: string[] = [];
  script.steps.forEach((step, index) => {
    const number = index + 1;
    const original = textOf(step.sql);
    if (STRAY_VARIABLE.test(original)) throw new Error(`pgbench step ${number}: pgbench would read a ':name' in the statement as a variable`);
    const count = placeholdersOf(original, number);
    if (count !== step.params.length) {
      throw new Error(`pgbench step ${number}: the statement has ${count} parameters, the step gives ${step.params.length}`);
    }
    const values = step.params.map((param, at) => {
      const name = `s${number}_p${at + 1}`;
      const trimmed = param.trim();
      if (trimmed.toUpperCase() === 'NULL') return 'NULL';
      if (VARIABLE.test(trimmed)) return trimmed;
      const quoted = QUOTED.exec(trimmed);
      if (quoted) {
        defines[name] = (quoted[1] ?? '').replaceAll("''", "'");
      } else {
        lines.push(`\\set ${name} ${trimmed}`);
      }
      return `:${name}`;
    });
    const text = original.replace(/\$(\d+)/g, (_, n: string) => values[Number(n) - 1] ?? '');
    lines.push(step.gset === undefined ? `${text};` : `${text} \\gset ${step.gset}`);
  });
  return { text: `${lines.join('\n')}\n`, defines };
}
