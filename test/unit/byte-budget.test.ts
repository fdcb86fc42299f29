import { ByteBudget } from '../../transfer/byte-budget';

describe('the worker-wide byte budget', () => {
  test('holds no more than its limit at once, serves waiters in order, and lets an oversized request through alone', async () => {
    const budget = new ByteBudget(100);
    const order: string[] = [];
    const a = await budget.acquire(60);
    const b = budget.acquire(60).then((release) => (order.push('b'), release));
    const c = budget.acquire(30).then((release) => (order.push('c'), release));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    a();
    const releaseB = await b;
    const releaseC = await c;
    expect(order).toEqual(['b', 'c']);
    const big = budget.acquire(500).then((release) => (order.push('big'), release));
    releaseB();
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual(['b', 'c']);
    releaseC();
    (await big)();
    expect(order).toEqual(['b', 'c', 'big']);
  });

  test('hands out buffers of the exact size asked, reuses a freed one of a similar size, and keeps no more than the limit', async () => {
    const MiB = 2 ** 20;
    const budget = new ByteBudget(8 * MiB);
    const backing = (size: number) =>
      budget.withBuffers(1, size, async ([b]) => (expect(b.length).toBe(size), b.buffer));
    const first = await backing(3 * MiB - 5);
    // A file of a similar size takes the same memory; one much larger cannot, and a new buffer
    // for it does not fit beside the kept one, which is dropped.
    expect(await backing(3 * MiB)).toBe(first);
    const large = await backing(6 * MiB);
    expect(large).not.toBe(first);
    expect(await backing(3 * MiB)).not.toBe(first);
    // Parts of a large file: several buffers at once, all within the budget, given back on failure too.
    await expect(
      budget.withBuffers(2, 4 * MiB, async (parts) => {
        expect(parts.map((p) => p.length)).toEqual([4 * MiB, 4 * MiB]);
        expect(parts[0].buffer).not.toBe(parts[1].buffer);
        throw new Error('part failed');
      }),
    ).rejects.toThrow('part failed');
    const release = await budget.acquire(8 * MiB);
    release();
  });
});
