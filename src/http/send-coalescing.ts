import type { Duplex } from 'node:stream';

/** Sockets written to since the current burst of JavaScript began, and those of them corked. */
const written = new Set<Duplex>();
const corked = new Set<Duplex>();
let burstEndScheduled = false;

function endBurst(): void {
  burstEndScheduled = false;
  written.clear();
  for (const transport of corked) transport.uncork();
  corked.clear();
}

/**
 * Called before each message a socket sends. One event fanned out to many
 * subscriptions of one socket is sent as many frames in one burst of
 * JavaScript: the first leaves at once, the rest are corked until the burst
 * ends and then leave in one write system call instead of one each. A socket
 * with one message per burst is never corked.
 */
export function beforeSend(transport: Duplex): void {
  if (!burstEndScheduled) {
    burstEndScheduled = true;
    setImmediate(endBurst);
  }
  if (!written.has(transport)) {
    written.add(transport);
    return;
  }
  if (corked.has(transport)) return;
  corked.add(transport);
  transport.cork();
}
