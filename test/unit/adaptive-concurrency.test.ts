import { AdaptiveConcurrency } from '../../transfer/adaptive-concurrency';

/**
 * The worker's concurrency controller against simulated networks: windows of a fake clock, each
 * delivering what the network gives at the limit in force, with more files waiting than slots.
 */
const WINDOW_MS = 1000;

function simulate(options: { initial?: number; max?: number; fixed?: boolean } = {}) {
  let clock = 0;
  const controller = new AdaptiveConcurrency(
    { initial: options.initial ?? 8, min: 2, max: options.max ?? 64, windowMs: WINDOW_MS, fixed: options.fixed },
    () => clock,
  );
  // More files than any limit, none finishing: every slot stays busy.
  for (let i = 0; i < 200; i++) void controller.run(() => new Promise(() => undefined));
  return {
    controller,
    /** `windows` windows, each delivering `bytesPerSecond(limit)`. */
    run(windows: number, bytesPerSecond: (limit: number) => number) {
      const limits: number[] = [];
      for (let w = 0; w < windows; w++) {
        clock += WINDOW_MS;
        controller.delivered(bytesPerSecond(controller.limit) * (WINDOW_MS / 1000));
        limits.push(controller.limit);
      }
      return limits;
    },
  };
}

/** Each connection paced at 1 MB/s, up to a link of `links` MB/s. */
const pacedLink = (links: number) => (limit: number) => Math.min(limit, links) * 1e6;

describe('the concurrency controller', () => {
  test('a rising rate: it grows while each step buys more, and settles at what the link gives', () => {
    const sim = simulate();
    const limits = sim.run(60, pacedLink(24));
    expect(Math.max(...limits.slice(0, 10))).toBeGreaterThan(8);
    const settled = limits.slice(-20);
    expect(Math.min(...settled)).toBeGreaterThanOrEqual(20);
    expect(Math.max(...settled)).toBeLessThanOrEqual(36);
  });

  test('a flat rate: one step up that buys nothing is taken back; it stays near where it began', () => {
    const sim = simulate();
    const limits = sim.run(40, () => 50e6);
    expect(limits.filter((l) => l === 8).length).toBeGreaterThan(limits.length / 2);
    expect(Math.max(...limits)).toBeLessThanOrEqual(10);
  });

  test('429s and SlowDown cut it by a third at once, and it holds before probing again, never below its minimum', () => {
    const sim = simulate({ initial: 30 });
    sim.controller.congested();
    expect(sim.controller.limit).toBe(20);
    // Holding: a few windows at 20 even though the link would take more.
    expect(sim.run(4, pacedLink(64))).toEqual([20, 20, 20, 20]);
    for (let i = 0; i < 10; i++) sim.controller.congested();
    expect(sim.controller.limit).toBe(2);
  });

  test('a fixed setting never moves, and the slots honour the limit', async () => {
    const sim = simulate({ fixed: true });
    expect(new Set(sim.run(20, pacedLink(64)))).toEqual(new Set([8]));
    sim.controller.congested();
    expect(sim.controller.limit).toBe(8);
    let running = 0;
    let most = 0;
    const controller = new AdaptiveConcurrency({ initial: 3, min: 1, max: 3, windowMs: 1000 });
    await Promise.all(
      Array.from({ length: 12 }, () =>
        controller.run(async () => {
          running += 1;
          most = Math.max(most, running);
          await new Promise((r) => setTimeout(r, 2));
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(3);
  });
});
