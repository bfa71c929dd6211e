/** What a gateway process tells its primary once it listens. */
interface Ready {
  type: 'taskgate:ready';
  port: number;
}

export function isReady(message: unknown): message is Ready {
  return typeof message === 'object' && message !== null && 'type' in message && message.type === 'taskgate:ready' && 'port' in message;
}

/** Tells the primary this process listens on `port`. */
export function announceReady(port: number): void {
  const ready: Ready = { type: 'taskgate:ready', port };
  process.send?.(ready);
}
