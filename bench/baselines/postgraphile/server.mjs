/**
 * PostGraphile 5 as its documentation sets it up: the amber preset over the
 * benchmark's database, served by grafserv on node:http. Its `taskByRowId`
 * answers the same row's same columns as the gateway's `task(id)`.
 */
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ connectionString: process.env.DATABASE_URL, schemas: ['public'], poolConfig: { max: Number(process.env.BENCH_POOL_SIZE ?? 10) } })],
  grafserv: { graphqlPath: '/graphql', graphiql: false },
};
const serv = postgraphile(preset).createServ(grafserv);
const server = createServer();
serv.addTo(server);
server.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/`);
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
