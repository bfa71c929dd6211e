import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { graphQLError } from '../schema/graphql-error.ts';

/** A JSON parameter of the query string; text that is not JSON is the client's mistake, a 400. */
function jsonParam(params: URLSearchParams, name: string): unknown {
  const text = params.get(name);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw graphQLError('BAD_REQUEST', `The ${name} parameter is not valid JSON.`, { http: { spec: true, status: 400 } });
  }
}

function paramsOf(params: URLSearchParams): GraphQLParams {
  return {
    query: params.get('query') || undefined,
    operationName: params.get('operationName') || undefined,
    variables: jsonParam(params, 'variables') as GraphQLParams['variables'],
    extensions: jsonParam(params, 'extensions') as GraphQLParams['extensions'],
  };
}

function isFormUrlEncoded(request: Request): boolean {
  const type = request.headers.get('content-type')?.split(',')[0]?.split(';')[0]?.trim();
  return request.method === 'POST' && type === 'application/x-www-form-urlencoded';
}

/**
 * graphql-yoga reads `variables` and `extensions` of a GET query string (or
 * a form-encoded POST) with a bare JSON.parse, so text that is not JSON
 * became a 500; this parser answers it 400, like a POST body that is not JSON.
 */
export function useQueryStringParams(): Plugin {
  return {
    onRequestParse({ request, setRequestParser }) {
      if (request.method === 'GET') {
        setRequestParser(() => paramsOf(new URL(request.url).searchParams));
      } else if (isFormUrlEncoded(request)) {
        setRequestParser(async () => paramsOf(new URLSearchParams(await request.text())));
      }
    },
  };
}
