import { NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * Refuses introspection in every operation, whichever transport brought it:
 * a validation rule, where yoga's own plugin marks HTTP requests as they are
 * parsed and so misses operations that arrive another way.
 */
export function useNoIntrospection(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(NoSchemaIntrospectionCustomRule);
    },
  };
}
