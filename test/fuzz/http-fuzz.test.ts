import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../helpers/gateway.ts';
import { authorizationFor, givenFuzzWorld } from './fuzz-world.ts';
import { get, post, postForm, problemsOf, type RawParams } from './http-exchange.ts';
import type { Random } from './random.ts';
import { publishedSchema, randomOperation } from './random-operation.ts';
import { fuzzSettings, share } from './settings.ts';
import { expectStillServing } from './still-serving.ts';
import { report, storm } from './storm.ts';

const gateway = useTestGateway();
const settings = fuzzSettings();
const schema = publishedSchema();

const ACCEPTS = [
  'application/graphql-response+json',
  'application/json',
  '*/*',
  'application/graphql-response+json, application/json;q=0.9',
  'application/xml',
];

const NOT_QUITE_JSON = ['{', '[]', '"x"', 'null', '{"v0":', '%', '{"__proto__":{"x":1}}', '1e999', '\u0000'];

/** Now and then, query string parameters that are not the JSON they should be. */
function rawParams(rng: Random): RawParams {
  return {
    ...(rng.chance(0.1) ? { variables: rng.pick(NOT_QUITE_JSON) } : {}),
    ...(rng.chance(0.05) ? { extensions: rng.pick(NOT_QUITE_JSON) } : {}),
  };
}

describe(`random operations over HTTP (seed ${settings.seed})`, () => {
  const posts = share(settings, 1);
  it(`POST: ${posts} operations get no 5xx and nothing of the server's insides; then the gateway answers right`, async () => {
    const world = await givenFuzzWorld(gateway);
    const failures = await storm(settings, 1, posts, 4, async (rng) => {
      const operation = randomOperation(rng, schema, world.dictionary, ['query', 'query', 'mutation', 'mutation', 'subscription']);
      const authorization = authorizationFor(rng, world).header;
      const form = rng.chance(0.1) ? rawParams(rng) : undefined;
      const answer = form
        ? await postForm(gateway.url, operation, authorization, rng.pick(ACCEPTS), form)
        : await post(gateway.url, operation, authorization, rng.pick(ACCEPTS));
      return { sent: { operation, authorization, form }, status: answer.status, problems: problemsOf(answer), answer: answer.text };
    });
    expect(failures.map((failure) => failure.index), report(settings, `${posts} POSTs`, failures)).toEqual([]);
    await expectStillServing(gateway, world);
  });

  const gets = share(settings, 0.5);
  it(`GET: ${gets} operations, odd variables included, get no 5xx and nothing of the server's insides`, async () => {
    const world = await givenFuzzWorld(gateway);
    const failures = await storm(settings, 2, gets, 4, async (rng) => {
      const operation = randomOperation(rng, schema, world.dictionary, ['query', 'query', 'query', 'mutation', 'subscription']);
      const authorization = authorizationFor(rng, world).header;
      const raw = rawParams(rng);
      const answer = await get(gateway.url, operation, authorization, rng.pick(ACCEPTS), raw);
      return { sent: { operation, authorization, raw }, status: answer.status, problems: problemsOf(answer), answer: answer.text };
    });
    expect(failures.map((failure) => failure.index), report(settings, `${gets} GETs`, failures)).toEqual([]);
    await expectStillServing(gateway, world);
  });
});
