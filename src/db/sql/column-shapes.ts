/** Distinct column lists one family of statements is prepared for; a list past these returns every column. */
const MAX_SHAPES = 64;

/**
 * Statements that differ only in the columns they return, built on first use
 * of each list and named apart, so each is prepared once per connection.
 * Undefined, or a list past MAX_SHAPES, gets the statements returning every
 * column: the lists come from the documents clients send, and the prepared
 * statements they leave on every connection must stay bounded.
 */
export function byColumns<Column extends string, Statements>(
  name: string,
  build: (name: string, columns: readonly Column[] | undefined) => Statements,
): (columns: readonly Column[] | undefined) => Statements {
  const every = build(name, undefined);
  const shapes = new Map<string, Statements>();
  return (columns) => {
    if (!columns) return every;
    const key = columns.join(',');
    let statements = shapes.get(key);
    if (!statements) {
      if (shapes.size >= MAX_SHAPES) return every;
      statements = build(`${name}_${shapes.size}`, columns);
      shapes.set(key, statements);
    }
    return statements;
  };
}

/** The select list of these columns, each qualified by `table` when given; every column when undefined. */
export function selectList(columns: readonly string[] | undefined, table?: string): string {
  const qualifier = table === undefined ? '' : `${table}.`;
  return columns ? columns.map((column) => `${qualifier}"${column}"`).join(', ') : `${qualifier}*`;
}
