import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../local-stack/processes';
import { startTemporalDevServer, type TemporalDevServer } from '../local-stack/temporal-server';
import { resolveTool } from '../local-stack/tools';
import type { MigrationResult } from '../workflows/migration';
import { createTestBucket, startMigrationHarness } from './support/migration-harness';
import { startPrivateSandbox } from './support/sandbox-client';
import { testStack } from './support/test-stack';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a Temporal server killed and restarted mid-run', () => {
  test('the run completes verified and its counts add up to the plan: copied + already present = planned', async () => {
    const dir = await mkdtemp(join(testStack().runDir, 'temporal-restart-'));
    const binary = await resolveTool('temporal', { install: false });
    const port = await freePort();
    const startServer = () =>
      startTemporalDevServer({ binary, port, dbFile: join(dir, 'temporal.db'), logFile: join(dir, 'temporal.log') });
    let temporal: TemporalDevServer = await startServer();
    const sandbox = await startPrivateSandbox({
      mediaBytesPerSecond: 3_000_000,
      library: {
        seed: 'temporal-restart',
        nickname: 'restart-tester',
        albums: 4,
        folders: 1,
        photosPerAlbum: 6,
        videos: 1,
        photoBytes: { min: 400_000, max: 600_000 },
        videoBytes: { min: 20_000_000, max: 20_000_000 },
        trickyCases: false,
      },
    });
    const harness = await startMigrationHarness(sandbox, { TEMPORAL_ADDRESS: temporal.address });
    try {
      const bucket = await createTestBucket(harness.s3, 'restart');
      const handle = await harness.start({ migrationId: 'restart', target: { bucket }, albumConcurrency: 2 });
      const total = [...sandbox.library.images.values()].reduce((sum, i) => sum + (i.original?.size ?? 0), 0);
      const served = () => Object.values(sandbox.counters().bytesServedByImage).reduce((a, b) => a + b, 0);
      while (served() < total / 3) await sleep(200);

      temporal.process.child.kill('SIGKILL');
      await once(temporal.process.child, 'exit');
      // Down long enough that completions sent meanwhile are lost and their activities time out.
      const killedAt = Date.now();
      await sleep(15_000);
      temporal = await startServer();
      const downSeconds = (Date.now() - killedAt) / 1000;

      let result: MigrationResult | undefined;
      for (let tries = 0; !result; tries++) {
        // The client's long poll may see the restart once more; the run itself goes on.
        result = await handle.result().catch((err: unknown) => {
          if (tries > 20) throw err;
          return sleep(1000).then(() => undefined);
        });
      }
      const k = result.counts;
      expect(result.phase).toBe('completed');
      expect(k).toMatchObject({
        albumsFailed: 0,
        files: sandbox.library.images.size,
        verified: sandbox.library.images.size,
      });
      expect(k.copiedFiles + k.alreadyPresent).toBe(k.files);
      expect(k.copiedBytes + k.alreadyPresentBytes).toBe(k.bytes);
      expect(k.bytes).toBe(total);
      // Nothing was in the bucket before: the run copied it all, whatever the attempts that completed sent.
      expect(k.copiedBytes).toBe(total);
      console.log(
        `Temporal down ${downSeconds.toFixed(0)} s: copied ${k.copiedBytes} B, sent by completed attempts ${k.transferredBytes} B, ` +
          `served by SmugMug ${served()} B for ${total} B of originals`,
      );
    } finally {
      await harness.stop();
      await sandbox.close();
      await temporal.process.stop();
    }
  }, 300_000);
});
