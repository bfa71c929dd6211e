type Listener = () => void;

const listeners = new Set<Listener>();

/**
 * Told after a transaction that wrote task events has committed, never
 * before. The write path of db/sql tells it; the gateway wires it to the
 * event path, so nothing below knows what listens.
 */
export function announceCommit(): void {
  for (const listener of listeners) listener();
}

/** Subscribes to this process's commits of task events; returns the unsubscribe. */
export function onCommit(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
