import { largestPayload } from '../bench/history-stats';
import { albumWorkflowId } from '../common/ids';
import type { Counters } from '../smugmug-sandbox/faults';
import { createTestBucket, startMigrationHarness } from './support/migration-harness';
import { startPrivateSandbox } from './support/sandbox-client';

describe('an album of 5,000 images', () => {
  test('completes with its workflow history under 1,000 events and no payload over 256 KB', async () => {
    const sandbox = await startPrivateSandbox({
      library: {
        seed: 'big-album',
        albums: 1,
        folders: 0,
        photosPerAlbum: 5000,
        videos: 0,
        photoBytes: { min: 1000, max: 2000 },
        trickyCases: false,
      },
    });
    const harness = await startMigrationHarness(sandbox);
    try {
      const bucket = await createTestBucket(harness.s3, 'big');
      const handle = await harness.start({ migrationId: 'big', target: { bucket } });
      const result = await handle.result();
      expect(result).toMatchObject({
        phase: 'completed',
        counts: { albumsDone: 1, files: 5000, transferredFiles: 5000, verified: 5000 },
      });

      const album = [...sandbox.library.albums.values()][0];
      const albumHistory = await harness.client.workflow
        .getHandle(albumWorkflowId(handle.workflowId, album.albumKey))
        .fetchHistory();
      expect(albumHistory.events!.length).toBeLessThan(1000);
      expect(largestPayload(albumHistory)).toBeLessThan(256 * 1024);
      const accountHistory = await handle.fetchHistory();
      expect(largestPayload(accountHistory)).toBeLessThan(256 * 1024);
    } finally {
      await harness.stop();
      await sandbox.close();
    }
  }, 300_000);
});

describe('continue-as-new of the migration', () => {
  test('with a low threshold the run continues as new several times without losing or repeating an album', async () => {
    const sandbox = await startPrivateSandbox({
      library: { seed: 'continue', albums: 7, folders: 2, photosPerAlbum: 2, videos: 0, trickyCases: false },
    });
    const harness = await startMigrationHarness(sandbox);
    try {
      const bucket = await createTestBucket(harness.s3, 'can');
      const handle = await harness.start({
        migrationId: 'can',
        target: { bucket },
        continueAsNewAfterAlbums: 2,
        albumConcurrency: 2,
      });
      const result = await handle.result();
      expect(result).toMatchObject({
        phase: 'completed',
        continuedAsNew: 3,
        counts: { albumsTotal: 7, albumsDone: 7, albumsFailed: 0, files: 14, transferredFiles: 14 },
      });

      // Every image was downloaded exactly once: no album ran twice, none was skipped.
      const counters = (await (await fetch(`${sandbox.url}/__sandbox/counters`)).json()) as Counters;
      const requests = [...sandbox.library.images.keys()].map((key) => counters.mediaRequestsByImage[key]);
      expect(requests).toEqual(new Array(14).fill(1));

      // The runs form one chain under the one workflow id.
      const runs: string[] = [];
      for await (const wf of harness.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` }))
        runs.push(wf.runId);
      expect(runs).toHaveLength(4);
    } finally {
      await harness.stop();
      await sandbox.close();
    }
  }, 180_000);
});
