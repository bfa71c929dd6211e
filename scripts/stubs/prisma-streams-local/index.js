// `prisma dev` alone imports this; taskgate runs PostgreSQL itself and never needs it.
export function startLocalDurableStreamsServer() {
  throw new Error('prisma dev is not available in taskgate: run `npm start`, which starts its own PostgreSQL');
}
