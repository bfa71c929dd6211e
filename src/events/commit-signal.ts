type Listener = () => void;

const listeners = new Set<Listener>();

/** Called after a transaction that wrote task events has committed, never before. */
export function announceCommit(): void {
  for (const listener of listeners) listener();
}

/** Subscribes to commits of this process; returns the unsubscribe. */
export function onCommit(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}
