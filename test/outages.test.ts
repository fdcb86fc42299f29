import { ListMultipartUploadsCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { minioClient, type MinioServer, startMinio } from '../local-stack/minio-server';
import { freePort } from '../local-stack/processes';
import { resolveTool } from '../local-stack/tools';
import { type RunningSandbox, type SandboxOptions, startSandbox } from '../smugmug-sandbox/server';
import { listKeys, md5Of, readObject, startMigrationHarness } from './support/migration-harness';
import { testStack } from './support/test-stack';

/** The outages of the issue: SmugMug gone for 10 minutes, S3 for 5 of them (shorter with OUTAGE_TEST_SECONDS for a quick local run). */
const SMUGMUG_DOWN_MS = Number(process.env.OUTAGE_TEST_SECONDS ?? 600) * 1000;
const S3_DOWN_MS = SMUGMUG_DOWN_MS / 2;

/** A MinIO of this file's own, to stop and start; with the run's credentials, which workers take from the environment. */
const minioSettings = () => ({
  accessKeyId: testStack().minio.accessKeyId,
  secretAccessKey: testStack().minio.secretAccessKey,
  bucket: 'outage-bucket',
});
const BUCKET = 'outage-bucket';

const sandboxOptions = (port: number): SandboxOptions => ({
  port,
  mediaDir: testStack().sandbox.mediaDir,
  mediaBytesPerSecond: 4_000_000,
  library: {
    seed: 'outage',
    nickname: 'outage-tester',
    albums: 4,
    folders: 1,
    photosPerAlbum: 5,
    videos: 1,
    videoBytes: { min: 24_000_000, max: 24_000_000 },
    trickyCases: false,
  },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('outages are waited out, permanent failures are not', () => {
  let dir: string;
  let minioBinary: string;
  let minio: MinioServer;
  let minioPorts: { port: number; consolePort: number };
  const startOurMinio = () =>
    startMinio({
      binary: minioBinary,
      ...minioPorts,
      dataDir: join(dir, 'minio'),
      logFile: join(dir, 'minio.log'),
      ...minioSettings(),
    });
  beforeAll(async () => {
    dir = await mkdtemp(join(testStack().runDir, 'outages-'));
    minioBinary = await resolveTool('minio', { install: false });
    minioPorts = { port: await freePort(), consolePort: await freePort() };
    minio = await startOurMinio();
  });
  afterAll(() => minio?.process.stop());

  test(
    `SmugMug unreachable for ${SMUGMUG_DOWN_MS / 60_000} min and S3 for ${S3_DOWN_MS / 60_000} min mid-run: the run completes verified, no album failed, no human step`,
    async () => {
      const port = await freePort();
      let sandbox: RunningSandbox | undefined = await startSandbox(sandboxOptions(port));
      const harness = await startMigrationHarness(sandbox, { AWS_ENDPOINT_URL_S3: minio.endpoint });
      const s3 = minioClient(minio);
      const library = sandbox.library;
      try {
        await s3.send(
          new PutBucketVersioningCommand({ Bucket: BUCKET, VersioningConfiguration: { Status: 'Enabled' } }),
        );
        const handle = await harness.start({ migrationId: 'outage', target: { bucket: BUCKET }, albumConcurrency: 2 });

        // Mid-run: some bytes served, not all.
        const total = [...library.images.values()].reduce((sum, i) => sum + (i.original?.size ?? 0), 0);
        const served = () => Object.values(sandbox!.counters().bytesServedByImage).reduce((a, b) => a + b, 0);
        while (served() < total / 4) await sleep(200);
        await sandbox.close();
        sandbox = undefined;
        await sleep(SMUGMUG_DOWN_MS / 4);
        await minio.process.stop();
        await sleep(S3_DOWN_MS);
        minio = await startOurMinio();
        await sleep(SMUGMUG_DOWN_MS - SMUGMUG_DOWN_MS / 4 - S3_DOWN_MS);
        sandbox = await startSandbox(sandboxOptions(port));

        const result = await handle.result();
        expect(result).toMatchObject({
          phase: 'completed',
          counts: { albumsFailed: 0, albumsDone: library.albums.size },
        });
        expect(result.counts.verified).toBe(library.images.size);
        const keys = [...(await listKeys(s3, BUCKET)).keys()].filter(
          (k) => !k.includes('_smugmug-s3-migration') && !k.endsWith('album.json') && !k.endsWith('.xmp'),
        );
        expect(keys).toHaveLength(library.images.size);
        const md5s = new Set([...library.images.values()].map((i) => i.original!.md5));
        for (const key of keys) expect(md5s.has(md5Of(await readObject(s3, BUCKET, key)))).toBe(true);
        expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).toEqual([]);
      } finally {
        await harness.stop();
        await sandbox?.close();
        s3.destroy();
      }
    },
    SMUGMUG_DOWN_MS + 600_000,
  );

  test('a revoked token (401) and a missing bucket still fail at once, with their message', async () => {
    const sandbox = await startSandbox(sandboxOptions(0));
    const harness = await startMigrationHarness(sandbox, { AWS_ENDPOINT_URL_S3: minio.endpoint });
    try {
      const started = Date.now();
      const missing = harness.start({ migrationId: 'nobucket', target: { bucket: 'there-is-no-such-bucket' } });
      await expect(missing).rejects.toMatchObject({ cause: { message: expect.stringContaining('does not exist') } });
      await fetch(`${sandbox.url}/__sandbox/revoke?token=${sandbox.credentials.fullModify.token}`, { method: 'POST' });
      const revoked = harness.start({ migrationId: 'revoked', target: { bucket: BUCKET } });
      await expect(revoked).rejects.toMatchObject({
        cause: { message: expect.stringContaining('SmugMug refused the credentials') },
      });
      expect(Date.now() - started).toBeLessThan(30_000);
    } finally {
      await harness.stop();
      await sandbox.close();
    }
  }, 120_000);
});
