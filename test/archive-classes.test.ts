import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { randomBytes, randomUUID } from 'node:crypto';
import { crc32Base64 } from '../s3/object-settings';
import { listKeys } from './support/migration-harness';
import { startMotoTestbed } from './support/moto';

/**
 * Archive classes end to end against moto, which refuses GetObject of GLACIER and DEEP_ARCHIVE
 * objects with InvalidObjectState as S3 does (MinIO refuses the classes themselves).
 */
describe('archive classes: verified by the checksum chain, never read back', () => {
  let testbed: Awaited<ReturnType<typeof startMotoTestbed>>;
  const s3 = () => testbed.moto.s3;

  beforeAll(async () => {
    testbed = await startMotoTestbed(
      'archive',
      {
        library: {
          seed: 'archive',
          nickname: `archive-${randomUUID().slice(0, 6)}`,
          albums: 2,
          folders: 1,
          photosPerAlbum: 3,
          videos: 1,
          // Above the threshold below: copied in parts, whose whole-file CRC32 S3 stores as FULL_OBJECT.
          videoBytes: { min: 11_000_000, max: 12_000_000 },
          trickyCases: false,
        },
      },
      { LARGE_FILE_THRESHOLD_MB: '4', PART_SIZE_MB: '5' },
    );
  }, 300_000);
  afterAll(() => testbed?.close());

  const newBucket = async (label: string) => {
    const bucket = `${label}-${randomUUID().slice(0, 8)}`;
    await s3().send(new CreateBucketCommand({ Bucket: bucket }));
    await s3().send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    return bucket;
  };
  const counters = async () =>
    (await (await fetch(`${testbed.sandbox.url}/__sandbox/counters`)).json()) as {
      deletions: Array<{ imageKey: string }>;
    };

  const readJson = async (bucket: string, key: string) =>
    JSON.parse(
      Buffer.from(
        await (await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray(),
      ).toString(),
    );
  const startMigration = async (bucket: string, migrationId: string, storageClass: string, deep: string) => {
    const started = await testbed.api.call('POST', '/v1/migrations', {
      account: testbed.sandbox.library.nickname,
      migrationId,
      target: { bucket, prefix: 'cold', storageClass },
      verification: { deep },
      deletion: { enabled: true, approvalTimeout: '10m' },
      keepOpenFor: '10m',
    });
    if (started.status !== 202) throw new Error(`start refused: ${JSON.stringify(started.body)}`);
    return started.body.id as string;
  };

  /** Migrates the sandbox into `storageClass` and checks what every archive-class migration must hold. */
  const migrateAndCheck = async (storageClass: 'GLACIER' | 'DEEP_ARCHIVE', deep: 'sample' | 'all') => {
    const bucket = await newBucket(storageClass.toLowerCase().replace('_', '-'));
    const migrationId = storageClass.toLowerCase().replace('_', '-');
    const id = await startMigration(bucket, migrationId, storageClass, deep);
    await testbed.api.waitFor(id, (s) => s.phase === 'awaiting-approval', 180_000);
    const { body: report } = await testbed.api.call('GET', `/v1/migrations/${id}/report`);
    expect(report.report.totals).toMatchObject({ albums: 2, passed: 2 });

    const keys = [...(await listKeys(s3(), bucket, 'cold/')).keys()];
    const originals = keys.filter((k) => /\.(JPG|MP4)$/.test(k));
    expect(originals).toHaveLength(testbed.sandbox.library.images.size);
    const sidecarsAndManifests = keys.filter((k) => k.endsWith('.xmp') || k.endsWith('/album.json'));
    expect(sidecarsAndManifests).toHaveLength(originals.length + 2);
    const classOf = async (key: string) =>
      (await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).StorageClass ?? 'STANDARD';
    for (const key of originals) expect(await classOf(key)).toBe(storageClass);
    for (const key of sidecarsAndManifests) expect(await classOf(key)).toBe('STANDARD');

    // Each file says how it was proven: by the chain, since S3 reads back no archived object.
    for (const manifestKey of sidecarsAndManifests.filter((k) => k.endsWith('/album.json'))) {
      const manifest = await readJson(bucket, manifestKey);
      for (const image of manifest.images)
        expect(image).toMatchObject({ verified: true, provenBy: 'checksum-chain', storageClass });
    }
    for (const album of report.report.albums as Array<{ albumKey: string }>) {
      const verification = await readJson(
        bucket,
        `cold/_smugmug-s3-migration/${migrationId}/albums/${album.albumKey}/verification.json`,
      );
      expect(verification.results.map((r: { provenBy: string }) => r.provenBy)).toEqual(
        verification.results.map(() => 'checksum-chain'),
      );
    }
    // moto's request log: no GET of an archived object, whatever was asked for.
    expect((await testbed.moto.keysRead(bucket)).filter((k) => originals.includes(k))).toEqual([]);
    return { bucket, id, report, originals };
  };

  test('GLACIER with deep: sample completes verified by the checksum chain; sidecars and manifests stay STANDARD', async () => {
    const { bucket, id, originals } = await migrateAndCheck('GLACIER', 'sample');
    await testbed.api.call('POST', `/v1/migrations/${id}/cancel`);
    await testbed.api.waitFor(id, (s) => s.status !== 'RUNNING');

    // Someone overwrites a photo with other bytes, keeping its metadata: S3 stores their checksum.
    const photo = originals.find((k) => k.endsWith('.JPG'))!;
    const head = await s3().send(new HeadObjectCommand({ Bucket: bucket, Key: photo }));
    const other = randomBytes(head.ContentLength!);
    await s3().send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: photo,
        Body: other,
        Metadata: head.Metadata,
        StorageClass: 'GLACIER',
        ChecksumAlgorithm: 'CRC32',
        ChecksumCRC32: crc32Base64(other),
      }),
    );
    // A sync finds the file present (size and recorded MD5 unchanged) and verifies it again: the
    // stored checksum differs from the one recorded while copying, and the album fails on that file.
    const resync = await startMigration(bucket, 'resync', 'GLACIER', 'sample');
    const done = await testbed.api.waitFor(
      resync,
      (s) => s.status !== 'RUNNING' || s.phase === 'awaiting-approval',
      180_000,
    );
    expect(done.counts).toMatchObject({ albumsFailed: 1 });
    const { body: report } = await testbed.api.call('GET', `/v1/migrations/${resync}/report`);
    const problems = (report.report.albums as Array<{ problems: Array<{ problem: string }> }>).flatMap(
      (a) => a.problems,
    );
    const fileName = photo.split('/').pop()!;
    expect(problems).toEqual([
      expect.objectContaining({
        problem: expect.stringMatching(
          new RegExp(`^${fileName}: the checksum S3 stored .* differs from the one computed while copying`),
        ),
      }),
    ]);
    await testbed.api.call('POST', `/v1/migrations/${resync}/cancel`);
    await testbed.api.waitFor(resync, (s) => s.status !== 'RUNNING');
  }, 420_000);

  test('DEEP_ARCHIVE with deep: all completes verified by the checksum chain; approval then deletes the originals on SmugMug', async () => {
    const { id, report, originals } = await migrateAndCheck('DEEP_ARCHIVE', 'all');
    const approved = await testbed.api.call('POST', `/v1/migrations/${id}/deletion/approve`, {
      approvedBy: 'Jane',
      albums: 'all',
      reportDigest: report.digest,
    });
    expect(approved.status).toBe(200);
    const status = await testbed.api.waitFor(id, (s) => s.deletion?.imagesDeleted === originals.length, 120_000);
    expect(status.deletion).toMatchObject({ albumsDeleted: 2 });
    expect((await counters()).deletions).toHaveLength(originals.length);
    await testbed.api.call('POST', `/v1/migrations/${id}/cancel`);
  }, 300_000);
});
