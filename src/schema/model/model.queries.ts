import { db } from '../../db/client.ts';
import { builder } from '../builder.ts';

builder.queryField('models', (t) =>
  t.prismaField({
    type: ['Model'],
    description: 'The catalog, by name. Public: prices are no secret.',
    resolve: (query) => db().model.findMany({ ...query, orderBy: { name: 'asc' } }),
  }),
);
