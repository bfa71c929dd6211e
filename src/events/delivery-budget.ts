import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * How many events one key's streams may be handed per second on this
 * instance, together. Each delivery runs the stream's operation and writes
 * its result: a key with hundreds of streams over a busy account would
 * otherwise take the instance's one thread from every other tenant. A stream
 * kept waiting past its budget falls behind, and is closed with
 * SLOW_CONSUMER once behind by its bound, as any slow listener is.
 */
export class DeliveryBudget {
  private readonly limiter: RateLimiterMemory | undefined;

  /** `perSecond` 0 sets no budget. */
  constructor(perSecond: number) {
    this.limiter = perSecond > 0 ? new RateLimiterMemory({ points: perSecond, duration: 1, keyPrefix: 'taskgate-deliveries' }) : undefined;
  }

  /** Resolves once `keyId` may be handed one more event. */
  async take(keyId: string): Promise<void> {
    if (!this.limiter) return;
    for (;;) {
      try {
        await this.limiter.consume(keyId);
        return;
      } catch (refusal) {
        if (!(refusal instanceof RateLimiterRes)) throw refusal;
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, refusal.msBeforeNext)));
      }
    }
  }
}
