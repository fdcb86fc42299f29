import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { WorkerConfig } from '../worker/config';
import { projectRoot } from '../local-stack/paths';
import { createTestBucket, listKeys, startMigrationHarness, workerEnv } from './support/migration-harness';
import { startPrivateSandbox } from './support/sandbox-client';

/** `npm run worker` with its output collected. */
function runWorker(config: WorkerConfig, extra: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: projectRoot,
    env: { ...process.env, ...workerEnv(config), ...extra },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output, exited: once(child, 'exit') as Promise<[number | null, string | null]> };
}

async function until(check: () => boolean, what: string, ms = 60_000) {
  for (const deadline = Date.now() + ms; !check(); await new Promise((r) => setTimeout(r, 100)))
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
}

describe('npm run worker with WORKER_PROCESSES', () => {
  test('starts that many worker processes, which run a migration, and stops them all on SIGTERM', async () => {
    const sandbox = await startPrivateSandbox({
      library: { seed: 'processes', albums: 2, folders: 0, photosPerAlbum: 4, videos: 0, trickyCases: false },
    });
    const harness = await startMigrationHarness(sandbox, {}, { inProcessWorker: false });
    const worker = runWorker(harness.config, { WORKER_PROCESSES: '2' });
    try {
      await until(() => worker.output().split('Worker polling').length - 1 === 2, 'two polling worker processes');
      const bucket = await createTestBucket(harness.s3, 'processes');
      const result = await harness.run({ migrationId: 'processes', target: { bucket } });
      expect(result).toMatchObject({ phase: 'completed', counts: { albumsFailed: 0, verified: 8 } });
      expect([...(await listKeys(harness.s3, bucket)).keys()].filter((k) => /\.jpg$/i.test(k))).toHaveLength(8);

      worker.child.kill('SIGTERM');
      const [code] = await worker.exited;
      expect(code).toBe(0);
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await harness.stop();
      await sandbox.close();
    }
  }, 120_000);

  test('when the processes fail at start (no Temporal there), all stop with an error instead of starting again', async () => {
    const sandbox = await startPrivateSandbox({ library: { seed: 'processes-fail', albums: 1, trickyCases: false } });
    const harness = await startMigrationHarness(sandbox, {}, { inProcessWorker: false });
    const worker = runWorker(harness.config, { WORKER_PROCESSES: '2', TEMPORAL_ADDRESS: '127.0.0.1:1' });
    try {
      const [code] = await worker.exited;
      expect(code).not.toBe(0);
      expect(worker.output()).toMatch(/failed at start/);
      expect(worker.output()).not.toMatch(/starting it again/);
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
      await harness.stop();
      await sandbox.close();
    }
  }, 120_000);
});
