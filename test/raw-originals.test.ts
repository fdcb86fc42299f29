import { DeleteObjectCommand, GetObjectCommand, PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import type { Counters } from '../smugmug-sandbox/faults';
import type { AlbumManifest, AlbumVerificationReport } from '../state/documents';
import { apiTestbedForTests } from './support/api-harness';
import { createTestBucket, listKeys, md5Of, readObject, startMigrationHarness } from './support/migration-harness';
import { startPrivateSandbox } from './support/sandbox-client';

type Held = { albumKey: string; imageKey: string; fileName: string; kind: string; reason: string };

/** SmugMug Source's RAW files (issue 23): copied beside their photos, verified, and guarding their deletion. */
const testbed = apiTestbedForTests({
  library: {
    seed: 'raw-move',
    nickname: 'raw-shooter',
    albums: 2,
    folders: 1,
    photosPerAlbum: 3,
    videos: 0,
    trickyCases: false,
    rawComponents: 3,
  },
});

const counters = async () => (await (await fetch(`${testbed.sandbox.url}/__sandbox/counters`)).json()) as Counters;

describe('RAW originals', () => {
  test('each RAW lands byte-identical beside its JPEG, in album.json, the sidecar and the report; "all" deletes the images whose JPEG and RAW are safe and holds the one whose RAW could not be copied', async () => {
    const { sandbox, harness, api } = testbed;
    const withRaw = [...sandbox.library.images.values()].filter((i) => i.raw);
    expect(withRaw).toHaveLength(3);
    const [broken, ...safe] = withRaw;
    // The broken image's RAW is gone on every request; its JPEG is served.
    await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify([
        { kind: 'not-found', target: 'media', pathContains: `i-${broken.imageKey}-R.`, times: 1000 },
      ]),
    });
    const bucket = await createTestBucket(harness.s3, 'raw');
    await harness.s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const started = await api.call('POST', '/v1/migrations', {
      account: sandbox.library.nickname,
      migrationId: 'raw',
      target: { bucket, prefix: 'r' },
      verification: { deep: 'all' },
      deletion: { enabled: true, approvalTimeout: '10m' },
      keepOpenFor: '10m',
    });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    const waiting = await api.waitFor(id, (s) => s.phase === 'awaiting-approval', 120_000);
    // Every album verified: a RAW that could not be copied fails no album, it holds its image.
    expect(waiting.counts).toMatchObject({ albumsFailed: 0 });
    await expect(counters()).resolves.toMatchObject({ faultsFired: { 'not-found': expect.any(Number) } });

    // album.json lists each RAW with its photo; the object beside the JPEG has the RAW's very bytes.
    const manifests = await Promise.all(
      [...sandbox.library.albums.values()].map(async (album) => {
        const plan = await readObject(
          harness.s3,
          bucket,
          `r/_smugmug-s3-migration/raw/albums/${album.albumKey}/plan.json`,
        );
        const folder = JSON.parse(plan.toString()).albumFolderKey as string;
        return JSON.parse((await readObject(harness.s3, bucket, `${folder}/album.json`)).toString()) as AlbumManifest;
      }),
    );
    const images = manifests.flatMap((m) => m.images);
    for (const image of safe) {
      const listed = images.find((i) => i.imageKey === image.imageKey)!;
      expect(listed.verified).toBe(true);
      expect(listed.components).toEqual([
        expect.objectContaining({ raw: true, extension: 'RW2', fileName: image.raw!.fileName, verified: true }),
      ]);
      const [raw] = listed.components!;
      // Beside the JPEG, under the same name with its own extension.
      expect(raw.s3Key).toBe(listed.s3Key.replace(/\.[^.]+$/, '.rw2'));
      expect(raw).toMatchObject({ size: image.raw!.size, md5: image.raw!.md5, provenBy: 'read-back' });
      const object = await harness.s3.send(new GetObjectCommand({ Bucket: bucket, Key: raw.s3Key }));
      expect(md5Of(Buffer.from(await object.Body!.transformToByteArray()))).toBe(image.raw!.md5);
      expect(object.ETag!.replaceAll('"', '')).toBe(image.raw!.md5);
      // The photo's sidecar names its RAW among its related files.
      const sidecar = (await readObject(harness.s3, bucket, listed.sidecarKey!)).toString();
      expect(sidecar).toMatch(
        new RegExp(`<dc:relation>\\s*<rdf:Bag>\\s*<rdf:li>${raw.s3Key.split('/').pop()!.replace('.', '\\.')}</rdf:li>`),
      );
    }
    const brokenListed = images.find((i) => i.imageKey === broken.imageKey)!;
    expect(brokenListed.verified).toBe(true);
    expect(brokenListed.components).toEqual([
      expect.objectContaining({ verified: false, problem: 'missing from the bucket' }),
    ]);

    // The album's verification report checked each RAW as a file of its own.
    const brokenAlbum = [...sandbox.library.albums.values()].find((a) =>
      a.placements.some((p) => p.imageKey === broken.imageKey),
    )!;
    const verification = JSON.parse(
      (
        await readObject(
          harness.s3,
          bucket,
          `r/_smugmug-s3-migration/raw/albums/${brokenAlbum.albumKey}/verification.json`,
        )
      ).toString(),
    ) as AlbumVerificationReport;
    expect(verification.passed).toBe(true);
    expect(verification.results.filter((r) => r.component)).toEqual(
      expect.arrayContaining([expect.objectContaining({ imageKey: broken.imageKey, ok: false })]),
    );

    // The migration report holds the broken image, with the reason.
    const { body: report } = await api.call('GET', `/v1/migrations/${id}/report`);
    expect(report.report.totals).toMatchObject({ albums: 2, passed: 2 });
    expect(report.report.held as Held[]).toEqual([
      expect.objectContaining({
        imageKey: broken.imageKey,
        kind: 'component-not-safe',
        reason: expect.stringContaining('its RAW file was not copied'),
      }),
    ]);

    // "all": every image goes whose JPEG (and RAW, where it has one) is verified; the broken one stays.
    const everyImage = [...sandbox.library.albums.values()].flatMap((a) => a.placements.map((p) => p.imageKey));
    const approved = await api.call('POST', `/v1/migrations/${id}/deletion/approve`, {
      approvedBy: 'Jane',
      albums: 'all',
      reportDigest: report.digest,
    });
    expect(approved.status).toBe(200);
    const expected = everyImage.filter((k) => k !== broken.imageKey).sort();
    await api.waitFor(id, (s) => s.deletion?.imagesDeleted === expected.length, 60_000);
    expect((await counters()).deletions.map((d) => d.imageKey).sort()).toEqual(expected);
    expect(sandbox.library.images.get(broken.imageKey)!.deleted).toBe(false);
    for (const image of safe) expect(sandbox.library.images.get(image.imageKey)!.deleted).toBe(true);

    // The archive at rest: a RAW deleted from the bucket is a finding of the audit, named with its album.
    const gone = images.find((i) => i.imageKey === safe[0].imageKey)!.components![0].s3Key;
    await harness.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: gone }));
    const audit = await api.call('POST', '/v1/audits', { bucket, prefix: 'r' });
    expect(audit.status).toBe(202);
    for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 300))) {
      const { body } = await api.call('GET', `/v1/audits/${audit.body.id}`);
      if (body.status !== 'RUNNING') break;
      if (Date.now() > deadline) throw new Error('the audit did not finish');
    }
    const { body: audited } = await api.call('GET', `/v1/audits/${audit.body.id}/report`);
    expect(audited.findings).toEqual([
      expect.objectContaining({
        kind: 'missing',
        key: gone,
        imageKey: safe[0].imageKey,
        fileName: safe[0].raw!.fileName,
      }),
    ]);
    await api.call('POST', `/v1/migrations/${id}/cancel`);
  }, 240_000);

  test('RAWs listed without MD5 or size are copied byte-identical (their size read from the download) and their photos held, saying why', async () => {
    const sandbox = await startPrivateSandbox({
      library: {
        seed: 'raw-unlisted',
        albums: 1,
        folders: 0,
        photosPerAlbum: 2,
        videos: 0,
        trickyCases: false,
        rawComponents: 2,
        rawUnlisted: ['MD5', 'FileSize'],
      },
    });
    const harness = await startMigrationHarness(sandbox);
    try {
      const bucket = await createTestBucket(harness.s3, 'raw-unlisted');
      const result = await harness.run({ migrationId: 'unlisted', target: { bucket, prefix: 'u' } });
      expect(result).toMatchObject({ phase: 'completed', counts: { albumsFailed: 0, files: 4, verified: 4 } });
      const withRaw = [...sandbox.library.images.values()].filter((i) => i.raw);
      const keys = [...(await listKeys(harness.s3, bucket, 'u/')).keys()];
      for (const image of withRaw) {
        const key = keys.find((k) => k.endsWith(`/${image.raw!.fileName}`))!;
        expect(md5Of(await readObject(harness.s3, bucket, key))).toBe(image.raw!.md5);
      }
      const report = JSON.parse(
        (await readObject(harness.s3, bucket, 'u/_smugmug-s3-migration/unlisted/report.json')).toString(),
      ) as { held: Held[] };
      expect(report.held.map((h) => h.imageKey).sort()).toEqual(withRaw.map((i) => i.imageKey).sort());
      for (const h of report.held)
        expect(h).toMatchObject({
          kind: 'component-not-safe',
          reason:
            'its RAW file was copied but cannot be proven identical: SmugMug gives no MD5 for it, so only its size was checked',
        });
    } finally {
      await harness.stop();
      await sandbox.close();
    }
  }, 120_000);
});
