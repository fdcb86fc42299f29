import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { WorkerConfig } from '../worker/config';
import { projectRoot } from '../local-stack/paths';
import type { Counters } from '../smugmug-sandbox/faults';
import type { RunningSandbox } from '../smugmug-sandbox/server';
import { createTestBucket, startMigrationHarness, workerEnv } from './support/migration-harness';
import { startPrivateSandbox } from './support/sandbox-client';

/** SmugMug's window in this test: 20 API requests per 5 seconds per user and application. */
const RATE_LIMIT = { requests: 20, windowSeconds: 5 };
/**
 * What the account may start over both workers. The busiest activity here, an album's plan, makes
 * 2 API requests (the album, a page of images), so 1 per second is 10 requests per window, and the
 * rest leaves room for the burst Temporal's rate limiter allows.
 */
const ACCOUNT_ACTIVITIES_PER_SECOND = '1';
const ALBUMS = 24;

const spawnWorker = (config: WorkerConfig): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: projectRoot,
    env: { ...process.env, ...workerEnv(config) },
    stdio: 'ignore',
  });

const counters = async (sandbox: RunningSandbox) =>
  (await (await fetch(`${sandbox.url}/__sandbox/counters`)).json()) as Counters;

/**
 * A migration of one account by two worker processes, every album planned at once: how many of
 * SmugMug's answers were 429 "too many requests", with and without the account's rate limit.
 */
async function migrateWithTwoWorkers(sandbox: RunningSandbox, label: string, perSecond?: string) {
  const harness = await startMigrationHarness(
    sandbox,
    perSecond ? { SMUGMUG_ACCOUNT_ACTIVITIES_PER_SECOND: perSecond } : {},
    { inProcessWorker: false },
  );
  const workers = [spawnWorker(harness.config), spawnWorker(harness.config)];
  try {
    await fetch(`${sandbox.url}/__sandbox/counters/reset`, { method: 'POST' });
    const bucket = await createTestBucket(harness.s3, label);
    const t0 = Date.now();
    const result = await harness.run({
      migrationId: label,
      target: { bucket },
      albumConcurrency: ALBUMS,
      metadata: { sidecars: 'none' },
      verification: { deep: 'none' },
    });
    const { byStatus, requests } = await counters(sandbox);
    console.log(
      `${label}: ${requests.api} API requests, ${byStatus['429'] ?? 0} answered 429, in ${Date.now() - t0} ms`,
    );
    return { result, tooManyRequests: byStatus['429'] ?? 0, apiRequests: requests.api };
  } finally {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => (w.exitCode === null ? once(w, 'exit') : undefined)));
    await harness.stop();
  }
}

describe('fair use of SmugMug across workers', () => {
  test("two workers on one account stay inside SmugMug's rate limit together once the account's activity rate is set", async () => {
    const sandbox = await startPrivateSandbox({
      library: { seed: 'fair-use', albums: ALBUMS, folders: 0, photosPerAlbum: 2, videos: 0, trickyCases: false },
      rateLimit: RATE_LIMIT,
    });
    try {
      // Without the limit the two workers plan every album at once, and SmugMug answers 429.
      const unlimited = await migrateWithTwoWorkers(sandbox, 'unlimited');
      expect(unlimited.result).toMatchObject({ phase: 'completed', counts: { albumsFailed: 0 } });
      expect(unlimited.tooManyRequests).toBeGreaterThan(0);

      await sleep(RATE_LIMIT.windowSeconds * 1000); // a fresh window for the second run
      const limited = await migrateWithTwoWorkers(sandbox, 'limited', ACCOUNT_ACTIVITIES_PER_SECOND);
      expect(limited.result).toMatchObject({ phase: 'completed', counts: { albumsFailed: 0, albumsDone: ALBUMS } });
      expect(limited.apiRequests).toBeGreaterThan(ALBUMS);
      expect(limited.tooManyRequests).toBe(0);
    } finally {
      await sandbox.close();
    }
  }, 600_000);
});
