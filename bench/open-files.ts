import { readFileSync } from 'node:fs';

/** Descriptors kept free for everything but the listeners' sockets. */
const RESERVED = 512;

function softLimit(): number {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const match = /^Max open files\s+(\d+)/m.exec(limits);
    return match?.[1] ? Number(match[1]) : 1024;
  } catch {
    return 1024;
  }
}

/**
 * Subscriptions per socket so that the sockets fit under this process's
 * open-file limit, which the gateway inherits too: one per socket when they fit.
 */
export function subscriptionsPerSocket(listeners: number): number {
  const sockets = Math.max(1, softLimit() - RESERVED);
  return Math.ceil(listeners / Math.min(listeners, sockets));
}
