/**
 * A small seeded PRNG (sfc32), so that a failing fuzz run can be replayed
 * exactly from its seed; Math.random cannot be seeded.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    // The first outputs of sfc32 still show the seed; these rounds mix it in.
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** Up to `max` distinct items, in random order. */
  some<T>(items: readonly T[], max = items.length): T[] {
    const pool = [...items];
    const count = Math.min(this.between(0, max), pool.length);
    const chosen: T[] = [];
    for (let i = 0; i < count; i++) chosen.push(...pool.splice(this.int(pool.length), 1));
    return chosen;
  }

  /** A child generator: its stream depends only on this one's state, so one operation can be replayed alone. */
  fork(): Random {
    return new Random(this.int(2 ** 32));
  }
}
