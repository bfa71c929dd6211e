import { InvalidApiKeyError } from '../../domain/errors.ts';
import { db } from '../../db/client.ts';
import { clientAccountId } from '../auth.ts';
import { builder } from '../builder.ts';

builder.queryField('account', (t) =>
  t.prismaField({
    type: 'Account',
    description: "The caller's account.",
    errors: { types: [InvalidApiKeyError], directResult: true },
    resolve: (query, _root, _args, ctx) =>
      db().account.findUniqueOrThrow({ ...query, where: { id: clientAccountId(ctx) } }),
  }),
);
