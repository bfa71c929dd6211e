import { InvalidParamError } from '../domain/errors.ts';
import { graphQLError } from './graphql-error.ts';

/**
 * A refused argument, as the field can report it: InvalidParamError where the
 * field returns that type (`typed`), else a plain GraphQL error with the same
 * code and param, so a client branches on either alike.
 */
export function invalidArgument(typed: boolean, param: string | null, message: string): Error {
  if (typed) return new InvalidParamError(param, message);
  return graphQLError('INVALID_PARAM', message, { param });
}

/** Whether a field's result union (its Pothos options' `errors`) has InvalidParamError. */
export function answersInvalidParam(options: object): boolean {
  const errors: unknown = 'errors' in options ? options.errors : undefined;
  const types: unknown = typeof errors === 'object' && errors !== null && 'types' in errors ? errors.types : undefined;
  return Array.isArray(types) && types.includes(InvalidParamError);
}


/** `work`'s result, with an InvalidParamError it throws made the untyped error of a field that has no result union. */
export function untypedRefusals<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof InvalidParamError) throw invalidArgument(false, error.param, error.message);
    throw error;
  }
}
