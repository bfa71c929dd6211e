/** Claims waiting for work: each resolves at this instance's next wake-up, or when its time is up or its caller leaves. */
export class WakeWaiters {
  private readonly waiters = new Set<() => void>();
  private closed = false;

  wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Ends every wait now and every later one at once: a stopping instance answers its waiting claims instead of holding their requests open past the drain. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  /** Resolves `true` at the next wake-up or when `ms` is up, `false` when this instance is stopping. */
  next(ms: number, signal?: AbortSignal): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve(!this.closed);
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}
