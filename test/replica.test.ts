import {
  CreateBucketCommand,
  GetBucketVersioningCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { minioClient, type MinioServer, startMinio } from '../local-stack/minio-server';
import { freePort } from '../local-stack/processes';
import { resolveTool } from '../local-stack/tools';
import type { AlbumManifest } from '../state/documents';
import { type ApiTestbed, startApiTestbed, TEST_API_TOKEN } from './support/api-harness';
import { launchChromium } from './support/browser';
import { cliAgainst } from './support/cli-runner';
import { listKeys, md5Of, readObject, startMigrationHarness } from './support/migration-harness';
import { smallLibrary, startPrivateSandbox } from './support/sandbox-client';
import { testStack } from './support/test-stack';

/**
 * A second copy before the originals go (issue 24): a replica on a second MinIO server, with its
 * own port and credentials, which only the worker's configuration (S3_REPLICAS) knows.
 */
const REPLICA_DOWN_MS = 2 * 60_000;
const REPLICA = { accessKeyId: 'replica-owner', secretAccessKey: `replica-${randomUUID()}` };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The run's MinIO as the worker sees it, with S3 replication's one visible sign added: the
 * `x-amz-replication-status` of each object of `bucket` the test says. MinIO replicates between two
 * servers only once its admin API (`mc`) registered the remote, which this machine cannot build; the
 * test does the replication itself and says when each object's is done.
 */
async function replicationStatusFront(bucket: string, statusOf: (key: string) => string | undefined) {
  const upstream = new URL(testStack().minio.endpoint);
  const asked: string[] = [];
  const server = createServer((req, res) => {
    const [, inBucket, ...key] = (req.url ?? '').split('?')[0].split('/');
    const objectKey = decodeURIComponent(key.join('/'));
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        const status = inBucket === bucket && objectKey && req.method === 'HEAD' ? statusOf(objectKey) : undefined;
        if (status) asked.push(`${objectKey} ${status}`);
        res.writeHead(answer.statusCode ?? 502, {
          ...answer.headers,
          ...(status ? { 'x-amz-replication-status': status } : {}),
        });
        answer.pipe(res);
      },
    );
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    asked,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a replica: every original in a second bucket elsewhere, verified, before deletion', () => {
  let dir: string;
  let minioBinary: string;
  let ports: { port: number; consolePort: number };
  let replicaMinio: MinioServer;
  let replicaS3: S3Client;
  let testbed: ApiTestbed;
  const startReplicaMinio = () =>
    startMinio({
      binary: minioBinary,
      ...ports,
      dataDir: join(dir, 'replica'),
      logFile: join(dir, 'replica.log'),
      bucket: 'replica-home',
      ...REPLICA,
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(testStack().runDir, 'replica-'));
    minioBinary = await resolveTool('minio', { install: false });
    ports = { port: await freePort(), consolePort: await freePort() };
    replicaMinio = await startReplicaMinio();
    replicaS3 = minioClient(replicaMinio);
    const connection = { endpoint: replicaMinio.endpoint, region: 'eu-central-1', ...REPLICA };
    testbed = await startApiTestbed(
      {
        // Paced, so the replica can be stopped while files are still being copied.
        mediaBytesPerSecond: 3_000_000,
        library: {
          seed: 'replica',
          albums: 3,
          folders: 1,
          photosPerAlbum: 2,
          videos: 1,
          videoBytes: { min: 20_000_000, max: 20_000_000 },
          trickyCases: false,
        },
      },
      { S3_REPLICAS: JSON.stringify({ offsite: connection }) },
      // The API knows the connection too (its bucket check); the worker is what writes there.
      () => ({ S3_REPLICAS: JSON.stringify({ offsite: connection }) }),
    );
  }, 120_000);
  afterAll(async () => {
    await testbed?.close();
    replicaS3?.destroy();
    await replicaMinio?.process.stop();
  });

  /** A versioned bucket in the run's MinIO (the primary) and one in the replica's MinIO. */
  async function bucketPair(label: string) {
    const bucket = `${label}-${randomUUID().slice(0, 8)}`;
    for (const s3 of [testbed.harness.s3, replicaS3]) {
      await s3.send(new CreateBucketCommand({ Bucket: bucket }));
      await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    }
    return bucket;
  }

  /** The originals the library still has: image → size and MD5. */
  const originals = () =>
    new Map(
      [...testbed.sandbox.library.images.values()]
        .filter((i) => i.original && !i.deleted)
        .map((i) => [i.imageKey, { size: i.original!.size, md5: i.original!.md5 }]),
    );

  /** Every copied original under a prefix (not the state, sidecars or manifests), with its bytes' MD5. */
  async function copiesIn(s3: S3Client, bucket: string, prefix: string) {
    const keys = [...(await listKeys(s3, bucket, `${prefix}/`)).keys()].filter(
      (k) => !k.includes('_smugmug-s3-migration') && !k.endsWith('album.json') && !k.endsWith('.xmp'),
    );
    return Promise.all(keys.map(async (key) => ({ key, md5: md5Of(await readObject(s3, bucket, key)) })));
  }

  async function expectBothCopies(bucket: string, prefix: string, replicaBucket = bucket) {
    const md5s = [...originals().values()].map((o) => o.md5).sort();
    const primary = await copiesIn(testbed.harness.s3, bucket, prefix);
    const replica = await copiesIn(replicaS3, replicaBucket, prefix);
    expect(primary.map((c) => c.md5).sort()).toEqual(md5s);
    expect(replica).toEqual(primary);
  }

  const start = async (request: Record<string, unknown>) => {
    const started = await testbed.api.call('POST', '/v1/migrations', {
      account: testbed.sandbox.library.nickname,
      keepOpenFor: '10m',
      ...request,
    });
    expect(started.status).toBe(202);
    return started.body.id as string;
  };

  const finish = async (id: string) => {
    await testbed.api.call('POST', `/v1/migrations/${id}/cancel`);
    await testbed.api.waitFor(id, (s) => s.status !== 'RUNNING');
  };

  test(
    'in the web app: a second copy chosen, its bucket checked with the command that sets it up (which works), the plan prices it, and the copy started from the plan writes both',
    async () => {
      const bucket = await bucketPair('web');
      const replicaBucket = `web-second-${randomUUID().slice(0, 8)}`;
      await replicaS3.send(new CreateBucketCommand({ Bucket: replicaBucket }));
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(`${testbed.api.url}/app/sign-in`);
        await page.getByLabel('Access key').fill(TEST_API_TOKEN);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.goto(`${testbed.api.url}/app/migrations`);
        await page.getByLabel('SmugMug nickname').fill(testbed.sandbox.library.nickname);
        await page.getByLabel('S3 bucket').fill(bucket);
        await page.getByLabel('Folder in the bucket (optional)').fill('w');
        await page.getByLabel('Where').selectOption('offsite');
        await page.getByLabel('Bucket there (empty: no second copy)').fill(replicaBucket);
        await page.getByLabel('Only these albums (optional)').fill(''); // leaving the field checks the bucket
        const check = page.locator('#replica-check li', { hasText: 'Versioning keeps every version' });
        await check.waitFor();
        expect(await check.textContent()).toMatch(/: missing$/);
        expect(await page.locator('#replica-check code').textContent()).toBe(
          `npx smugmug-s3 bucket setup ${replicaBucket} --replica offsite`,
        );
        // The command, run as the bucket's owner would (the connection in their environment).
        process.env.S3_REPLICAS = JSON.stringify(testbed.harness.config.S3_REPLICAS);
        const setup = await cliAgainst(testbed.api.url)(['bucket', 'setup', replicaBucket, '--replica', 'offsite'])
          .done;
        delete process.env.S3_REPLICAS;
        expect(setup.output).toContain(`Bucket ${replicaBucket} (replica offsite) now:`);
        expect((await replicaS3.send(new GetBucketVersioningCommand({ Bucket: replicaBucket }))).Status).toBe(
          'Enabled',
        );

        await page.getByRole('button', { name: /Plan first/ }).click();
        await page.waitForURL(/\/app\/plans\//);
        await page.locator('#plan-replica').waitFor({ timeout: 60_000 });
        expect(await page.locator('#plan-replica').textContent()).toMatch(
          new RegExp(
            `^Second copy in s3://${replicaBucket} \\(offsite, eu-central-1\\), STANDARD, written by the worker; at http://127\\.0\\.0\\.1:\\d+: another provider's prices are not in the price table$`,
          ),
        );
        await page.getByRole('button', { name: 'Start copying' }).click();
        await page.waitForURL(/\/app\/migrations\/migrate-/);
        const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
        expect(await testbed.api.waitFor(id, (s) => s.status !== 'RUNNING', 180_000)).toMatchObject({
          phase: 'completed',
          counts: { albumsFailed: 0 },
        });
        await expectBothCopies(bucket, 'w', replicaBucket);
      } finally {
        await browser.close();
      }
    },
    5 * 60_000,
  );

  test(
    'the replica stopped for 2 minutes mid-run: the run completes with both copies verified, no album failed, no human step',
    async () => {
      const bucket = await bucketPair('outage');
      const total = [...originals().values()].reduce((s, o) => s + o.size, 0);
      const served = () => Object.values(testbed.sandbox.counters().bytesServedByImage).reduce((a, b) => a + b, 0);
      const id = await start({
        migrationId: 'replica-outage',
        target: { bucket, prefix: 'o', replica: { connection: 'offsite', bucket } },
        albumConcurrency: 3,
      });
      while (served() < total / 4) await sleep(100);
      await replicaMinio.process.stop();
      await sleep(REPLICA_DOWN_MS);
      replicaMinio = await startReplicaMinio();

      const done = await testbed.api.waitFor(id, (s) => s.status !== 'RUNNING', 8 * 60_000);
      expect(done).toMatchObject({ phase: 'completed', counts: { albumsFailed: 0, verified: originals().size } });
      await expectBothCopies(bucket, 'o');
      const { body } = await testbed.api.call('GET', `/v1/migrations/${id}/report`);
      for (const album of body.report.albums)
        expect(album.protection.replica).toEqual({ connection: 'offsite', bucket, files: album.verified });
    },
    12 * 60_000,
  );

  test(
    'every original lands in both, read from SmugMug once; a replica copy written over fails its album naming the replica, and the deletion gate keeps that album',
    async () => {
      const bucket = await bucketPair('twice');
      const before = { ...testbed.sandbox.counters().bytesServedByImage };
      const first = await start({
        migrationId: 'replica-twice',
        target: { bucket, prefix: 'a', replica: { connection: 'offsite', bucket } },
      });
      expect(await testbed.api.waitFor(first, (s) => s.status !== 'RUNNING', 180_000)).toMatchObject({
        phase: 'completed',
        counts: { albumsFailed: 0 },
      });
      await expectBothCopies(bucket, 'a');
      // One download each: every original's bytes served exactly once for two copies.
      const after = testbed.sandbox.counters().bytesServedByImage;
      for (const [imageKey, o] of originals()) expect((after[imageKey] ?? 0) - (before[imageKey] ?? 0)).toBe(o.size);
      // album.json records each file's replica copy as verified.
      const manifestKeys = [...(await listKeys(testbed.harness.s3, bucket, 'a/')).keys()].filter((k) =>
        k.endsWith('/album.json'),
      );
      const manifests = await Promise.all(
        manifestKeys.map(
          async (k) => JSON.parse((await readObject(testbed.harness.s3, bucket, k)).toString()) as AlbumManifest,
        ),
      );
      for (const image of manifests.flatMap((m) => m.images))
        expect(image.replica).toMatchObject({ ok: true, versionId: expect.any(String), checksum: expect.any(String) });

      // Bit rot or tampering in the replica: same size, same metadata, other bytes (and their own checksum).
      const photo = manifests.flatMap((m) => m.images).find((i) => !i.isVideo)!;
      const spoiled = await replicaS3.send(new HeadObjectCommand({ Bucket: bucket, Key: photo.s3Key }));
      await replicaS3.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: photo.s3Key,
          Body: randomBytes(photo.size),
          Metadata: spoiled.Metadata,
          ContentType: spoiled.ContentType,
          ChecksumAlgorithm: 'CRC32',
        }),
      );
      // (The sandbox takes deleted images out of their albums: read them before.)
      const albumOf = new Map(
        [...testbed.sandbox.library.albums.values()].flatMap((a) => a.placements.map((p) => [p.imageKey, a.albumKey])),
      );
      const spoiledAlbum = albumOf.get(photo.imageKey)!;

      const second = await start({
        migrationId: 'replica-checked',
        target: { bucket, prefix: 'a', replica: { connection: 'offsite', bucket } },
        deletion: { enabled: true, approvalTimeout: '10m', requireReplica: true },
      });
      await testbed.api.waitFor(second, (s) => s.phase === 'awaiting-approval', 180_000);
      const { body } = await testbed.api.call('GET', `/v1/migrations/${second}/report`);
      const failed = body.report.albums.filter((a: { passed: boolean }) => !a.passed);
      expect(failed.map((a: { albumKey: string }) => a.albumKey)).toEqual([spoiledAlbum]);
      expect(failed[0].problems).toEqual([
        {
          imageKey: photo.imageKey,
          problem: expect.stringMatching(
            new RegExp(`^replica "offsite" \\(s3://${bucket}\\): .*the checksum S3 stored \\(CRC32 .*\\) differs`),
          ),
        },
      ]);
      // The gate keeps the album whose replica differs; the others go, with their verified replica.
      const refused = await testbed.api.call('POST', `/v1/migrations/${second}/deletion/approve`, {
        approvedBy: 'Jane',
        albums: [spoiledAlbum],
        reportDigest: body.digest,
      });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain(spoiledAlbum);
      const cli = await cliAgainst(testbed.api.url)(['approve', second, '--by', 'Jane', '--yes']).done;
      expect(cli.output).toContain(`a verified second copy of every file in s3://${bucket} (offsite)`);
      expect(cli.code).toBe(0);
      const doomed = [...albumOf].filter(([, albumKey]) => albumKey !== spoiledAlbum).map(([imageKey]) => imageKey);
      await testbed.api.waitFor(second, (s) => s.deletion?.imagesDeleted === doomed.length, 60_000);
      expect(
        testbed.sandbox
          .counters()
          .deletions.map((d) => d.imageKey)
          .sort(),
      ).toEqual(doomed.sort());
      await finish(second);
    },
    8 * 60_000,
  );

  test(
    'requireReplica without a replica: the approval is refused (409) naming the albums that lack one; a run naming the replica then writes only the replica, and the approval goes through',
    async () => {
      const bucket = await bucketPair('later');
      // A connection the worker does not have: refused at once, saying which it has; nothing starts.
      const unknown = await testbed.api.call('POST', '/v1/migrations', {
        account: testbed.sandbox.library.nickname,
        migrationId: 'replica-unknown',
        target: { bucket, prefix: 'b', replica: { connection: 'nowhere', bucket } },
      });
      expect(unknown.status).toBe(422);
      expect(unknown.body.error.message).toBe(
        'No replica connection "nowhere" is configured: add it to S3_REPLICAS of the worker and the API (known: offsite)',
      );
      const deletedBefore = testbed.sandbox.counters().deletions.length;
      const images = [...originals().keys()];
      const alone = await start({
        migrationId: 'replica-missing',
        target: { bucket, prefix: 'b' },
        deletion: { enabled: true, approvalTimeout: '10m', requireReplica: true },
      });
      await testbed.api.waitFor(alone, (s) => s.phase === 'awaiting-approval', 180_000);
      const { body: report } = await testbed.api.call('GET', `/v1/migrations/${alone}/report`);
      const refused = await testbed.api.call('POST', `/v1/migrations/${alone}/deletion/approve`, {
        approvedBy: 'Jane',
        albums: 'all',
        reportDigest: report.digest,
      });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toMatch(
        /requires a verified copy in the replica before deleting; 3 album\(s\) lack it, so nothing was approved: .*Album 1 \([A-Za-z0-9]+\): its verification found no replica/,
      );
      expect(testbed.sandbox.counters().deletions).toHaveLength(deletedBefore);
      await finish(alone);

      // The bucket's copies stay as they are (no new version); only the replica is written.
      const versions = async () =>
        Object.fromEntries(
          await Promise.all(
            (await copiesIn(testbed.harness.s3, bucket, 'b')).map(async ({ key }) => [
              key,
              (await testbed.harness.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).VersionId,
            ]),
          ),
        );
      const primaryVersions = await versions();
      expect(Object.keys(primaryVersions)).toHaveLength(images.length);
      // Named through the CLI this time: --replica with --delete requires the second copy.
      const cli = await cliAgainst(testbed.api.url)([
        'migrate',
        '--account',
        testbed.sandbox.library.nickname,
        '--bucket',
        bucket,
        '--prefix',
        'b',
        '--id',
        'replica-added',
        '--replica',
        `offsite:${bucket}`,
        '--delete',
      ]).done;
      expect(cli.code).toBe(0);
      const replicated = /^Started (\S+)/m.exec(cli.output)![1];
      await testbed.api.waitFor(replicated, (s) => s.phase === 'awaiting-approval', 180_000);
      expect(await versions()).toEqual(primaryVersions);
      await expectBothCopies(bucket, 'b');
      const { body: after } = await testbed.api.call('GET', `/v1/migrations/${replicated}/report`);
      const approved = await testbed.api.call('POST', `/v1/migrations/${replicated}/deletion/approve`, {
        approvedBy: 'Jane',
        albums: 'all',
        reportDigest: after.digest,
      });
      expect(approved.status).toBe(200);
      await testbed.api.waitFor(replicated, (s) => s.deletion?.imagesDeleted === images.length, 60_000);
      expect(
        testbed.sandbox
          .counters()
          .deletions.slice(deletedBefore)
          .map((d) => d.imageKey)
          .sort(),
      ).toEqual(images.sort());
      await finish(replicated);
    },
    8 * 60_000,
  );
  test(
    'where S3 replication writes the replica: verification waits while an object is PENDING, checks the replica once COMPLETED, and fails the album of one that FAILED naming the replica; the worker writes nothing there',
    async () => {
      const bucket = await bucketPair('replicated');
      const replicated = new Set<string>();
      let failing: string | undefined;
      const front = await replicationStatusFront(bucket, (key) =>
        !key.startsWith('r/') || key.includes('_smugmug-s3') || key.endsWith('.json') || key.endsWith('.xmp')
          ? undefined
          : key === failing
            ? 'FAILED'
            : replicated.has(key)
              ? 'COMPLETED'
              : 'PENDING',
      );
      const sandbox = await startPrivateSandbox({
        library: smallLibrary('replicated', `replicated-${randomUUID().slice(0, 6)}`),
      });
      const harness = await startMigrationHarness(sandbox, {
        AWS_ENDPOINT_URL_S3: front.endpoint,
        S3_REPLICAS: JSON.stringify({ offsite: { endpoint: replicaMinio.endpoint, ...REPLICA } }),
      });
      try {
        const handle = await harness.start({
          migrationId: 'by-replication',
          // The failed album is not retried here: the run ends a moment after it.
          keepOpenFor: '5s',
          target: { bucket, prefix: 'r', replica: { connection: 'offsite', bucket, by: 'replication' } },
        });
        // Copied, and verification waiting on PENDING; the worker wrote nothing to the replica.
        while (!front.asked.some((a) => a.endsWith('PENDING'))) await sleep(200);
        expect([...(await listKeys(replicaS3, bucket, 'r/')).keys()]).toEqual([]);
        const copies = await copiesIn(harness.s3, bucket, 'r');
        expect(copies).toHaveLength(4);
        // S3 replication, as the test does it: the same bytes and metadata into the replica, then COMPLETED.
        failing = copies[0].key;
        for (const { key } of copies.slice(1)) {
          const head = await harness.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
          await replicaS3.send(
            new PutObjectCommand({
              Bucket: bucket,
              Key: key,
              Body: await readObject(harness.s3, bucket, key),
              Metadata: head.Metadata,
              ChecksumAlgorithm: 'CRC32',
            }),
          );
          replicated.add(key);
        }
        const result = await handle.result();
        expect(result.counts).toMatchObject({ albumsFailed: 1, albumsDone: 1 });
        expect(front.asked).toContain(`${copies[1].key} COMPLETED`);
        // The verified album's files each have their replica proven; the other names the replica and the status.
        const reports = [...(await listKeys(harness.s3, bucket, 'r/')).keys()].filter((k) =>
          k.endsWith('verification.json'),
        );
        const byPassed = await Promise.all(
          reports.map(async (k) => JSON.parse((await readObject(harness.s3, bucket, k)).toString())),
        );
        const passed = byPassed.find((r) => r.passed)!;
        expect(passed.protection.replica).toEqual({ connection: 'offsite', bucket, files: 2 });
        for (const r of passed.results)
          expect(r.replica).toMatchObject({
            ok: true,
            provenBy: expect.stringMatching(/^(read-back|checksum-chain)$/),
          });
        const notPassed = byPassed.find((r) => !r.passed)!;
        expect(notPassed.failed).toEqual([
          expect.objectContaining({
            key: failing,
            problem: `replica "offsite" (s3://${bucket}): S3 replication status FAILED`,
          }),
        ]);
      } finally {
        await harness.stop();
        await sandbox.close();
        await front.close();
      }
    },
    5 * 60_000,
  );
});
