import { ByteBudget } from '../../transfer/byte-budget';

const MiB = 2 ** 20;

/** Starts `work` with one buffer of `size` and says when it started; `finish` lets it end. */
function holding(budget: ByteBudget, size: number, order: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  let buffer: Buffer | undefined;
  const ran = budget.withBuffers(1, size, async ([b]) => {
    order.push(name);
    buffer = b;
    await done;
  });
  return { finish, ran, buffer: () => buffer };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('the worker-wide byte budget', () => {
  test('holds no more than its limit at once, serves waiters in order, and lets an oversized request through alone', async () => {
    const budget = new ByteBudget(10 * MiB);
    const order: string[] = [];
    const a = holding(budget, 6 * MiB, order, 'a');
    const b = holding(budget, 6 * MiB, order, 'b');
    // c would fit beside a, but b asked first.
    const c = holding(budget, 3 * MiB, order, 'c');
    await settle();
    expect(order).toEqual(['a']);
    a.finish();
    await a.ran;
    await settle();
    expect(order).toEqual(['a', 'b', 'c']);
    const big = holding(budget, 50 * MiB, order, 'big');
    b.finish();
    await settle();
    expect(order).toEqual(['a', 'b', 'c']);
    c.finish();
    await settle();
    expect(order).toEqual(['a', 'b', 'c', 'big']);
    expect(big.buffer()!.length).toBe(50 * MiB);
    big.finish();
    await Promise.all([b.ran, c.ran, big.ran]);
  });

  test('hands out buffers of the exact size asked, from one block of shared memory, never overlapping, reused when given back', async () => {
    const budget = new ByteBudget(8 * MiB);
    const order: string[] = [];
    const first = holding(budget, 3 * MiB - 5, order, 'first');
    const second = holding(budget, 2 * MiB, order, 'second');
    await settle();
    const [one, two] = [first.buffer()!, second.buffer()!];
    expect([one.length, two.length]).toEqual([3 * MiB - 5, 2 * MiB]);
    expect(one.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(two.buffer).toBe(one.buffer);
    expect(two.byteOffset).toBeGreaterThanOrEqual(one.byteOffset + one.length);
    first.finish();
    await first.ran;
    // The MiB given back serve the next file: no new memory.
    const third = holding(budget, 3 * MiB, order, 'third');
    await settle();
    expect(third.buffer()!.buffer).toBe(one.buffer);
    expect(third.buffer()!.byteOffset).toBe(one.byteOffset);
    second.finish();
    third.finish();
    await Promise.all([second.ran, third.ran]);
    // Parts of a large file: several buffers at once, apart, given back on failure too.
    await expect(
      budget.withBuffers(2, 4 * MiB, async (parts) => {
        expect(parts.map((p) => p.length)).toEqual([4 * MiB, 4 * MiB]);
        expect(parts[1].byteOffset).toBe(parts[0].byteOffset + 4 * MiB);
        throw new Error('part failed');
      }),
    ).rejects.toThrow('part failed');
    await budget.withBuffers(1, 8 * MiB, async ([all]) => expect(all.buffer).toBe(one.buffer));
  });
});
