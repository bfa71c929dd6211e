import { serverAudits } from 'graphql-http';
import { describe, expect, it } from 'vitest';
import { useTestGateway } from '../helpers/gateway.ts';

const gateway = useTestGateway();

describe('GraphQL over HTTP', () => {
  // Every audit, MUST and SHOULD alike: a warning is a SHOULD this gateway does not keep.
  it.each(serverAudits({ url: () => gateway.url }).map((audit) => [audit.id, audit.name, audit]))(
    '%s %s',
    async (_id, _name, audit) => {
      const result = await audit.fn();
      expect(result.status === 'ok' ? 'ok' : `${result.status}: ${result.reason}`).toBe('ok');
    },
  );
});
