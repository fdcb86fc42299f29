import { randomUUID } from 'node:crypto';
import type { MigrationDetails } from '../service/records';
import { type ApiTestbed, startApiTestbed } from './support/api-harness';
import { createTestBucket } from './support/migration-harness';

/**
 * The worker's file concurrency adapts to the network, end to end: the sandbox paces each download
 * (a distant server's per-connection rate), so more files at once copy faster, and the worker,
 * left at its defaults, takes more than the 24 at once the old fixed settings gave an album (8 files
 * in each of 3 batches), and says so in the progress.
 */
const OLD_DEFAULT = 24;

let testbed: ApiTestbed;
beforeAll(async () => {
  testbed = await startApiTestbed(
    {
      library: {
        seed: 'adaptive',
        nickname: `adaptive-${randomUUID().slice(0, 6)}`,
        albums: 1,
        folders: 0,
        photosPerAlbum: 600,
        videos: 0,
        photoBytes: { min: 40_000, max: 60_000 },
        trickyCases: false,
      },
      // Each download at 100 KB/s: a file takes half a second whatever the worker does, so only more at once is faster.
      mediaBytesPerSecond: 100_000,
    },
    // Smaller batches, so the album's progress reports the concurrency often.
    { BATCH_MAX_FILES: '20' },
  );
}, 120_000);
afterAll(() => testbed?.close());

test('paced downloads: the worker raises its concurrency above the old 24 (8 a batch, 3 batches), and the progress shows it', async () => {
  const bucket = await createTestBucket(testbed.harness.s3, 'adaptive');
  const started = await testbed.api.call('POST', '/v1/migrations', {
    account: testbed.sandbox.library.nickname,
    target: { bucket, previews: false },
  });
  expect(started.status).toBe(202);
  const id = (started.body as { id: string }).id;
  let shown = 0;
  for (;;) {
    const details = (await testbed.api.call('GET', `/v1/migrations/${id}`)).body as MigrationDetails;
    for (const album of details.inFlightAlbums ?? []) shown = Math.max(shown, album.concurrency ?? 0);
    if (details.status !== 'RUNNING') {
      expect(details.counts?.albumsFailed).toBe(0);
      break;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(testbed.sandbox.counters().mediaInFlightPeak).toBeGreaterThan(OLD_DEFAULT);
  expect(shown).toBeGreaterThan(OLD_DEFAULT);
}, 180_000);
