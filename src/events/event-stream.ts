/** How much a listener's stream may hold undelivered before it is cut off. */
export interface StreamLimits {
  items: number;
  bytes: number;
}

/**
 * A bounded queue read as an async iterator: the producer pushes without
 * waiting, the consumer pulls. Both transports pull the next item only once
 * the last has been written out, so what the queue holds is what a listener
 * holds: a consumer that falls behind by `limits.items` items or
 * `limits.bytes` bytes (as `sizeOf` weighs them) is cut off, and `onOverflow`
 * says why, instead of letting memory grow.
 */
export class EventStream<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private bytes = 0;
  private waiting: ((result: IteratorResult<T>) => void) | undefined;
  /** No more items are accepted; those queued are still read. */
  private finished = false;
  private released = false;

  constructor(
    private readonly limits: StreamLimits,
    private readonly sizeOf: (item: T) => number,
    private readonly onOverflow: () => T,
    private readonly onClose: () => void,
  ) {}

  get length(): number {
    return this.items.length;
  }

  /** Bytes held undelivered. */
  get held(): number {
    return this.bytes;
  }

  push(item: T): void {
    if (this.finished) return;
    if (this.waiting) {
      this.deliver(item);
      return;
    }
    const size = this.sizeOf(item);
    if (this.items.length >= this.limits.items || this.bytes + size > this.limits.bytes) {
      this.cut(this.onOverflow());
      return;
    }
    this.items.push(item);
    this.bytes += size;
  }

  /** Drops what is queued and ends the stream with `last`, which explains why. */
  cut(last: T): void {
    if (this.finished) return;
    this.items.length = 0;
    this.bytes = 0;
    if (this.waiting) this.deliver(last);
    else this.items.push(last);
    this.finished = true;
    this.release();
  }

  private deliver(item: T): void {
    const resolve = this.waiting;
    this.waiting = undefined;
    resolve?.({ value: item, done: false });
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) {
      this.bytes = this.items.length === 0 ? 0 : this.bytes - this.sizeOf(item);
      return Promise.resolve({ value: item, done: false });
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Ends the stream now, dropping what is queued. */
  close(): void {
    this.finished = true;
    this.items.length = 0;
    this.bytes = 0;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
    this.release();
  }

  private release(): void {
    if (this.released) return;
    this.released = true;
    this.onClose();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * A stream's iterator: `next` as given, each item handed out once `pace`
 * allows, and `return` (a client leaving) that closes `stream` at once, even
 * while `next` waits, so its listener is freed. A `next` that fails (the log
 * unreadable) closes it too: transports drop a failed iterator without
 * calling `return`.
 */
export function closingIterator<T, U>(
  stream: EventStream<U>,
  next: () => Promise<IteratorResult<T>>,
  pace: () => Promise<void> = () => Promise.resolve(),
): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      try {
        const result = await next();
        if (!result.done) await pace();
        return result;
      } catch (error) {
        stream.close();
        throw error;
      }
    },
    return() {
      stream.close();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
