import { ByteBudget } from '../../activities/byte-budget';

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
    releaseC();
    await expect(budget.with(10, async () => 'done')).resolves.toBe('done');
  });
});
