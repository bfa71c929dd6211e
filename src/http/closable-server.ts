import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** server.close() drops only the connections idle at the time; one whose last request ends later is swept then. */
const IDLE_SWEEP_MS = 50;

/**
 * How a server is stopped: it stops accepting, answers what is in flight,
 * then closes; what is still open after `graceMs` is cut. Node closes the
 * connections that finished a request, but not one that has sent none yet
 * (a client's pool reconnecting as the server stops), which would hold the
 * stop for the whole grace: those are closed with the idle ones.
 */
export function closableServer(server: Server): (graceMs: number) => Promise<void> {
  const unused = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  const used = (socket: Socket): void => {
    unused.delete(socket);
  };
  server.on('request', (req: { socket: Socket }) => {
    used(req.socket);
  });
  server.on('upgrade', (req: { socket: Socket }) => {
    used(req.socket);
  });
  const closeIdle = (): void => {
    server.closeIdleConnections();
    for (const socket of unused) socket.destroy();
  };
  return (graceMs) =>
    new Promise((resolve) => {
      const force = setTimeout(() => {
        server.closeAllConnections();
      }, graceMs).unref();
      const idleSweep = setInterval(closeIdle, IDLE_SWEEP_MS);
      server.close(() => {
        clearInterval(idleSweep);
        clearTimeout(force);
        resolve();
      });
      closeIdle();
    });
}
