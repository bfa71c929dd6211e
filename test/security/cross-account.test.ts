import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../helpers/gateway.ts';
import { publishedSchema } from '../fuzz/random-operation.ts';
import { CONNECTION_CASES } from './connection-cases.ts';
import type { CrossAccountCase } from './cross-account-case.ts';
import { MUTATION_CASES } from './mutation-cases.ts';
import { QUERY_CASES } from './query-cases.ts';
import { RATE_LIMIT_CASES, SECURITY_RATE_LIMIT } from './rate-limit-case.ts';
import { coordinatesOf, reachableObjectTypes } from './schema-coordinates.ts';
import { SUBSCRIPTION_CASES } from './subscription-cases.ts';
import { givenTenants } from './tenants.ts';
import { TYPE_CASES } from './type-cases.ts';
import { SPEND_CONTROL_CASES } from './spend-control-cases.ts';
import { WEBHOOK_CASES } from './webhook-cases.ts';
import { WORKER_CASES } from './worker-cases.ts';

const gateway = useTestGateway({ rateLimit: SECURITY_RATE_LIMIT });
const schema = publishedSchema();

/** Object types that hold nothing of any account, each with why; every other reachable type is an account's. */
const PUBLIC_TYPES: Record<string, string> = {
  Model: 'the catalog, the same for every caller (the models case checks it)',
};

const CASES: Record<string, CrossAccountCase> = {
  ...QUERY_CASES,
  ...MUTATION_CASES,
  ...WORKER_CASES,
  ...SUBSCRIPTION_CASES,
  ...TYPE_CASES,
  ...CONNECTION_CASES,
  ...RATE_LIMIT_CASES,
  ...WEBHOOK_CASES,
  ...SPEND_CONTROL_CASES,
};

describe('every field a client can reach is checked for cross-account access', () => {
  const owned = reachableObjectTypes(schema).filter((name) => !(name in PUBLIC_TYPES));
  const covered = new Set(Object.values(CASES).flatMap((one) => one.covers));

  it('every root field and every field of an account-owned type has a cross-account case', () => {
    const missing = coordinatesOf(schema, owned).filter((coordinate) => !covered.has(coordinate));
    expect(missing, 'add a case for each of these to a *-cases.ts file of test/security (or a reason to PUBLIC_TYPES)').toEqual([]);
  });

  it('every case covers fields that exist, so none outlives its field', () => {
    const existing = new Set(coordinatesOf(schema, reachableObjectTypes(schema)));
    expect([...covered].filter((coordinate) => !existing.has(coordinate))).toEqual([]);
    expect(Object.keys(PUBLIC_TYPES).filter((name) => schema.getType(name) === undefined)).toEqual([]);
  });
});

describe("another account's data does not exist for the caller", () => {
  it.each(Object.entries(CASES))('%s', async (_name, crossAccount) => {
    await crossAccount.run({ gateway, ...(await givenTenants(gateway)) });
  });
});
