import {
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
} from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { setUpBucket } from '../s3/bucket-setup';
import type { Counters } from '../smugmug-sandbox/faults';
import type { AlbumManifest } from '../state/documents';
import { apiTestbedForTests } from './support/api-harness';
import { cliAgainst } from './support/cli-runner';
import { createTestBucket, listKeys, readObject } from './support/migration-harness';

/** Object Lock before the originals go (issue 24): a bucket no one can delete from, and a deletion gate that requires it. */
const testbed = apiTestbedForTests({
  library: {
    seed: 'locked',
    nickname: 'lock-keeper',
    albums: 2,
    folders: 1,
    photosPerAlbum: 2,
    videos: 0,
    trickyCases: false,
  },
});

const DAY = 24 * 3600 * 1000;
const counters = async () => (await (await fetch(`${testbed.sandbox.url}/__sandbox/counters`)).json()) as Counters;

/** Starts a migration that requires Object Lock (1 day left at least) before deleting, and waits for its approval. */
async function migrationAwaitingApproval(bucket: string, migrationId: string) {
  const { api, sandbox } = testbed;
  const started = await api.call('POST', '/v1/migrations', {
    account: sandbox.library.nickname,
    migrationId,
    target: { bucket, prefix: 'l' },
    deletion: { enabled: true, approvalTimeout: '10m', requireObjectLock: { minDaysLeft: 1 } },
    keepOpenFor: '10m',
  });
  expect(started.status).toBe(202);
  const id = started.body.id as string;
  await api.waitFor(id, (s) => s.phase === 'awaiting-approval', 120_000);
  const { body: report } = await api.call('GET', `/v1/migrations/${id}/report`);
  return { id, report };
}

describe('Object Lock', () => {
  test('a deletion that requires Object Lock is refused on a bucket without it, saying which albums lack it; nothing is deleted', async () => {
    const { api, harness } = testbed;
    const bucket = await createTestBucket(harness.s3, 'unlocked');
    await harness.s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const { id, report } = await migrationAwaitingApproval(bucket, 'unlocked');
    expect(report.report.albums.map((a: { protection: unknown }) => a.protection)).toEqual([
      { files: 2, locked: 0, lockModes: [] },
      { files: 2, locked: 0, lockModes: [] },
    ]);
    // The CLI shows each album's protection before it asks, and says why the approval is refused.
    const cli = await cliAgainst(api.url)(['approve', id, '--by', 'Jane', '--yes']).done;
    expect(cli.output).toMatch(/Protection of the copies:\n {2}.*Album \d: versioning only: no Object Lock\n/);
    expect(cli.code).not.toBe(0);
    expect(cli.output).toMatch(/requires Object Lock with at least 1 days left/);
    // A dry run is not refused: it shows what would go, and what protects it.
    const dry = await api.call('POST', `/v1/migrations/${id}/deletion/approve`, {
      approvedBy: 'Jane',
      albums: 'all',
      reportDigest: report.digest,
      dryRun: true,
    });
    expect(dry.status).toBe(200);
    expect(dry.body.protection).toEqual([
      expect.objectContaining({ words: 'versioning only: no Object Lock' }),
      expect.objectContaining({ words: 'versioning only: no Object Lock' }),
    ]);
    const refused = await api.call('POST', `/v1/migrations/${id}/deletion/approve`, {
      approvedBy: 'Jane',
      albums: 'all',
      reportDigest: report.digest,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(
      /requires Object Lock with at least 1 days left before deleting; 2 album\(s\) lack it, so nothing was approved: .*Folder 1 level 1 \/ Album 1 \([A-Za-z0-9]+\): 2 of its 2 verified files have no Object Lock/,
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect((await counters()).deletions).toEqual([]);
    await api.call('POST', `/v1/migrations/${id}/cancel`);
    await api.waitFor(id, (s) => s.status !== 'RUNNING');
  }, 180_000);

  test('a retention asked for in the migration (target.retention) locks each copy at upload, on a bucket with Object Lock and no default', async () => {
    const { api, harness, sandbox } = testbed;
    const bucket = `retained-${randomUUID().slice(0, 8)}`;
    await harness.s3.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    const started = await api.call('POST', '/v1/migrations', {
      account: sandbox.library.nickname,
      migrationId: 'retained',
      target: { bucket, prefix: 'r', retention: { mode: 'GOVERNANCE', days: 2 } },
    });
    expect(started.status).toBe(202);
    const done = await api.waitFor(started.body.id, (s) => s.status !== 'RUNNING', 120_000);
    expect(done).toMatchObject({ phase: 'completed', counts: { albumsFailed: 0 } });
    const { body: report } = await api.call('GET', `/v1/migrations/${started.body.id}/report`);
    for (const album of report.report.albums) {
      expect(album.protection).toMatchObject({ files: 2, locked: 2, lockModes: ['GOVERNANCE'] });
      const daysLeft = (Date.parse(album.protection.lockedUntil) - Date.now()) / DAY;
      expect(daysLeft).toBeGreaterThan(1.9);
      expect(daysLeft).toBeLessThanOrEqual(2);
    }
    expect(report.report.albums).toHaveLength(2);
  }, 180_000);

  test('on a bucket made with Object Lock and a default GOVERNANCE retention: each copy is locked, the report says until when, a locked version cannot be deleted, and the approved deletion goes ahead', async () => {
    const { api, harness, sandbox } = testbed;
    const bucket = `locked-${randomUUID().slice(0, 8)}`;
    const setup = await setUpBucket(harness.s3, { bucket, create: true, objectLock: { mode: 'GOVERNANCE', days: 3 } });
    expect(setup.steps).toMatchObject({ create: { outcome: 'applied' }, objectLock: { outcome: 'applied' } });
    expect(setup.checks.objectLock).toEqual({ status: 'ok', detail: 'default retention GOVERNANCE, 3 days' });

    const started = Date.now();
    const { id, report } = await migrationAwaitingApproval(bucket, 'locked');
    for (const album of report.report.albums) {
      expect(album.protection).toMatchObject({ files: 2, locked: 2, lockModes: ['GOVERNANCE'] });
      const until = Date.parse(album.protection.lockedUntil);
      expect(until).toBeGreaterThanOrEqual(started + 3 * DAY - 60_000);
      expect(until).toBeLessThanOrEqual(Date.now() + 3 * DAY + 60_000);
    }
    // album.json records each file's lock; S3 (MinIO) refuses to delete a locked version.
    const manifestKey = [...(await listKeys(harness.s3, bucket, 'l/')).keys()].find((k) => k.endsWith('/album.json'))!;
    const manifest = JSON.parse((await readObject(harness.s3, bucket, manifestKey)).toString()) as AlbumManifest;
    const [first] = manifest.images;
    expect(first).toMatchObject({ lockMode: 'GOVERNANCE', retainUntil: expect.any(String) });
    // MinIO says "Object is WORM protected" (400 InvalidRequest), AWS 403 AccessDenied: either way, the version stays.
    await expect(
      harness.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: first.s3Key, VersionId: first.versionId })),
    ).rejects.toMatchObject({ message: expect.stringMatching(/WORM protected|Access Denied/) });
    const kept = await harness.s3.send(
      new HeadObjectCommand({ Bucket: bucket, Key: first.s3Key, VersionId: first.versionId }),
    );
    expect(kept).toMatchObject({ ObjectLockMode: 'GOVERNANCE', ContentLength: first.size });

    // (The sandbox takes deleted images out of their albums: read them before.)
    const images = [...sandbox.library.albums.values()].flatMap((a) => a.placements.map((p) => p.imageKey));
    const approved = await api.call('POST', `/v1/migrations/${id}/deletion/approve`, {
      approvedBy: 'Jane',
      albums: 'all',
      reportDigest: report.digest,
    });
    expect(approved.status).toBe(200);
    await api.waitFor(id, (s) => s.deletion?.imagesDeleted === images.length, 60_000);
    expect((await counters()).deletions.map((d) => d.imageKey).sort()).toEqual(images.sort());
    await api.call('POST', `/v1/migrations/${id}/cancel`);
    await api.waitFor(id, (s) => s.status !== 'RUNNING');
  }, 180_000);
});
