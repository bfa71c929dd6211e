import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { graphQLError } from '../schema/graphql-error.ts';
import { useNestingLimit } from './nesting-limit.ts';

/** Per operation, checked on its text before it runs; the schema's own limits (depth, breadth, cost) are in query-limits. */
export const OPERATION_LIMITS = { aliases: 30, tokens: 5_000 };

/**
 * graphql-armor's refusal as the limit it is: QUERY_TOO_COMPLEX naming the
 * limit, where armor gives a bare "Syntax Error" with no code.
 */
function refusedAs(limit: 'aliases' | 'tokens') {
  return (_context: unknown, error: GraphQLError): never => {
    throw graphQLError('QUERY_TOO_COMPLEX', error.message.replace(/^Syntax Error: /, ''), { limit, http: { status: 400 } });
  };
}

/** The limits on an operation's text: nesting, aliases (`__typename` too: each alias is work and bytes), tokens. */
export function operationLimitPlugins(): Plugin[] {
  return [
    useNestingLimit(),
    maxAliasesPlugin({ n: OPERATION_LIMITS.aliases, allowList: [], onReject: [refusedAs('aliases')] }),
    maxTokensPlugin({ n: OPERATION_LIMITS.tokens, onReject: [refusedAs('tokens')] }),
  ];
}
