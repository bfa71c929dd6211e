import { describe, expect, it } from 'vitest';
import { EventStream, type Written } from '../../src/events/event-stream.ts';

const OVERFLOW = -1;

function streamOf(limits = { items: 100, bytes: 1_000 }) {
  const released: boolean[] = [];
  const stream = new EventStream<number>(
    limits,
    () => 10,
    () => OVERFLOW,
    () => released.push(true),
  );
  return { stream, released };
}

/** A write the test settles by hand. */
function pendingWrite() {
  let settle: (taken: boolean) => void = () => undefined;
  const written = new Promise<boolean>((resolve) => {
    settle = resolve;
  });
  return { written, settle };
}

async function read(stream: EventStream<number>, count: number): Promise<number[]> {
  const items: number[] = [];
  for (let n = 0; n < count; n++) {
    const next = await stream.next();
    if (next.done) break;
    items.push(next.value);
  }
  return items;
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('a stream written through', () => {
  it('hands items the writer takes to it alone, in order, and the rest to the reader', async () => {
    const { stream } = streamOf();
    const writes: number[] = [];
    stream.writeThrough((item) => {
      if (item % 2 === 0) writes.push(item);
      return item % 2 === 0;
    });
    stream.push(2);
    stream.push(4);
    stream.push(5);
    // 5 is the reader's, and nothing overtakes it until the reader asks for the next one.
    stream.push(6);
    expect(writes).toEqual([2, 4]);
    expect(await read(stream, 2)).toEqual([5, 6]);
    stream.push(8);
    expect(writes).toEqual([2, 4]);
    // Once the reader asks again, it has nothing in hand that 10 could overtake.
    expect(await read(stream, 1)).toEqual([8]);
    void stream.next();
    stream.push(10);
    expect(writes).toEqual([2, 4, 10]);
  });

  it('holds items behind a write that settles later, then writes them in order', async () => {
    const { stream } = streamOf();
    const first = pendingWrite();
    const writes: number[] = [];
    stream.writeThrough((item): Written => {
      if (item === 1) return first.written.then((taken) => (taken && writes.push(item), taken));
      writes.push(item);
      return true;
    });
    stream.push(1);
    stream.push(2);
    stream.push(3);
    expect(writes).toEqual([]);
    first.settle(true);
    await settled();
    expect(writes).toEqual([1, 2, 3]);
  });

  it('gives the reader a write that was declined once it settled, before what came after it', async () => {
    const { stream } = streamOf();
    const first = pendingWrite();
    stream.writeThrough((item): Written => (item === 1 ? first.written : false));
    const reading = read(stream, 3);
    stream.push(1);
    stream.push(2);
    stream.push(3);
    first.settle(false);
    expect(await reading).toEqual([1, 2, 3]);
  });

  it('counts items held behind a write against its limits, and ends with the reason after that write', async () => {
    const { stream, released } = streamOf({ items: 2, bytes: 1_000 });
    const first = pendingWrite();
    stream.writeThrough(() => first.written);
    stream.push(1);
    stream.push(2);
    stream.push(3);
    stream.push(4);
    expect(released).toEqual([true]);
    first.settle(true);
    await settled();
    expect(await read(stream, 5)).toEqual([OVERFLOW]);
  });

  it('is open while its reader is there, cut or not, and not once the reader closed it', () => {
    const cut = streamOf().stream;
    cut.cut(OVERFLOW);
    expect(cut.open).toBe(true);
    const closed = streamOf().stream;
    closed.close();
    expect(closed.open).toBe(false);
  });

  it('writes nothing once closed, and drops what waited behind a write', async () => {
    const { stream } = streamOf();
    const first = pendingWrite();
    const writes: number[] = [];
    stream.writeThrough((item): Written => {
      if (item === 1) return first.written;
      writes.push(item);
      return true;
    });
    stream.push(1);
    stream.push(2);
    stream.close();
    first.settle(true);
    await settled();
    stream.push(3);
    expect(writes).toEqual([]);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });
});
