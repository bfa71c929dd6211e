/** How each root field of a request ended: its result's type name, an error code, or `null`. */
export interface FieldOutcome {
  field: string;
  outcome: string;
}

const byRequest = new WeakMap<object, FieldOutcome[]>();

/** Kept beside the request's context, not in it: the context stays read-only. */
export function recordOutcome(context: object, outcome: FieldOutcome): void {
  const outcomes = byRequest.get(context);
  if (outcomes) outcomes.push(outcome);
  else byRequest.set(context, [outcome]);
}

export function outcomesOf(context: object): readonly FieldOutcome[] {
  return byRequest.get(context) ?? [];
}
