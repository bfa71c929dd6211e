/** An item taken straight to its listener (true), declined for the reader (false), or either once the promise settles. */
export type Written = boolean | Promise<boolean>;

/** What a transport makes of an item it writes itself: the write, nothing when it cannot take the item now, or either later. */
export type PreparedWrite = (() => void) | undefined | Promise<(() => void) | undefined>;

/**
 * A stream a transport may write to its listener as items come, instead of
 * reading them one by one: `prepare` makes an item's write, or declines it,
 * and the stream, as its own rules (order, pacing) allow, carries it out.
 * A declined item is read as any other.
 */
export interface WritableThrough<T> {
  writeThrough(prepare: (item: T) => PreparedWrite): void;
}

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
  /** Closed by its reader: nothing more reaches it. */
  private closed = false;
  private released = false;
  /** Takes an item straight to its listener, or declines it for the queue; see `writeThrough`. */
  private writer: ((item: T) => Written) | undefined;
  /** An item was handed to the reader, which has not asked for the next yet: a later one written straight would overtake it. */
  private handedOut = false;
  /** While a write settles, the items that came after it, in order; they count against the limits as queued ones do. */
  private behindWrite: T[] | undefined;
  /** The last item of a stream cut while a write settled: it follows that write. */
  private lastAfterWrite: T | undefined;

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

  /** Whether its listener is still there: not closed by it (a stream cut by the server still ends with its reason). */
  get open(): boolean {
    return !this.closed;
  }

  push(item: T): void {
    if (this.finished) return;
    if (this.behindWrite) {
      if (this.fits(item)) this.behindWrite.push(item);
      return;
    }
    if (this.writer && !this.handedOut && this.items.length === 0 && this.write(this.writer, item)) return;
    if (this.waiting) {
      this.deliver(item);
      return;
    }
    if (this.fits(item)) this.items.push(item);
  }

  /** Counts `item` as held, or cuts the stream off when it would hold too much. */
  private fits(item: T): boolean {
    const size = this.sizeOf(item);
    const held = this.items.length + (this.behindWrite?.length ?? 0);
    if (held >= this.limits.items || this.bytes + size > this.limits.bytes) {
      this.cut(this.onOverflow());
      return false;
    }
    this.bytes += size;
    return true;
  }

  /** Drops what is queued and ends the stream with `last`, which explains why. */
  cut(last: T): void {
    if (this.finished) return;
    this.items.length = 0;
    this.bytes = 0;
    if (this.behindWrite) {
      this.behindWrite.length = 0;
      this.lastAfterWrite = last;
    } else if (this.waiting) this.deliver(last);
    else this.items.push(last);
    this.finished = true;
    this.release();
  }

  /**
   * From now on, an item that nothing queued or handed out is ahead of goes
   * to `writer` at once, without waiting for the reader to ask for it; one
   * the writer declines (its listener cannot take it now, or it needs what
   * only the reader does) is queued for the reader as before. While a write
   * settles, later items wait behind it. The reader still gets what is
   * queued, and how the stream ends.
   */
  writeThrough(writer: (item: T) => Written): void {
    this.writer = writer;
  }

  /** Whether `writer` took the item, now or once its write settles. */
  private write(writer: (item: T) => Written, item: T): boolean {
    const written = writer(item);
    if (typeof written === 'boolean') return written;
    this.behindWrite = [];
    void written.then(
      (taken) => {
        this.afterWrite(item, taken);
      },
      () => {
        this.afterWrite(item, false);
      },
    );
    return true;
  }

  /** A write settled: a declined item goes to the reader, and what waited behind it follows in order. */
  private afterWrite(item: T, taken: boolean): void {
    const behind = this.behindWrite ?? [];
    this.behindWrite = undefined;
    const last = this.lastAfterWrite;
    this.lastAfterWrite = undefined;
    if (last !== undefined) {
      // Cut meanwhile: a declined item is dropped with the rest, as queued ones are, and the reader hears why.
      if (this.waiting) this.deliver(last);
      else this.items.push(last);
      return;
    }
    if (this.finished) return;
    // Re-counted as they are pushed again.
    for (const held of behind) this.bytes -= this.sizeOf(held);
    if (!taken) {
      if (this.waiting) this.deliver(item);
      else if (this.fits(item)) this.items.unshift(item);
    }
    for (const next of behind) this.push(next);
  }

  private deliver(item: T): void {
    const resolve = this.waiting;
    this.waiting = undefined;
    this.handedOut = true;
    resolve?.({ value: item, done: false });
  }

  next(): Promise<IteratorResult<T>> {
    this.handedOut = false;
    const item = this.items.shift();
    if (item !== undefined) {
      this.bytes = this.items.length === 0 ? 0 : this.bytes - this.sizeOf(item);
      this.handedOut = true;
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
    this.closed = true;
    this.items.length = 0;
    this.behindWrite = undefined;
    this.lastAfterWrite = undefined;
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
    this.writer = undefined;
    this.onClose();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
