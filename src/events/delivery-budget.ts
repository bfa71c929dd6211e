/** Keys whose buckets are kept before the full ones, which hold nothing worth keeping, are dropped. */
const MAX_BUCKETS = 10_000;

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * How many events one key's streams may be handed per second on this
 * instance, together. Each delivery runs the stream's operation and writes
 * its result: a key with hundreds of streams over a busy account would
 * otherwise take the instance's one thread from every other tenant. A stream
 * kept waiting past its budget falls behind, and is closed with
 * SLOW_CONSUMER once behind by its bound, as any slow listener is.
 *
 * A token bucket per key, a second's worth deep, checked without a promise:
 * it is asked once per delivery, and most deliveries go out at once.
 */
export class DeliveryBudget {
  private readonly buckets = new Map<string, Bucket>();

  /** `perSecond` 0 sets no budget. */
  constructor(private readonly perSecond: number) {}

  /** Takes one delivery for `keyId` if its budget has one now. */
  tryTake(keyId: string): boolean {
    if (this.perSecond <= 0) return true;
    const now = performance.now();
    let bucket = this.buckets.get(keyId);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.dropFull(now);
      bucket = { tokens: this.perSecond, at: now };
      this.buckets.set(keyId, bucket);
    }
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) * this.perSecond) / 1000);
    bucket.at = now;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Nothing when `keyId` may be handed one more event now; else a wait until it may. */
  take(keyId: string): Promise<void> | undefined {
    if (this.tryTake(keyId)) return undefined;
    return (async () => {
      do await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(1000 / this.perSecond))));
      while (!this.tryTake(keyId));
    })();
  }

  private dropFull(now: number): void {
    for (const [keyId, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) * this.perSecond) / 1000 >= this.perSecond) this.buckets.delete(keyId);
    }
  }
}
