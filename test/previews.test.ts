import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { RunningSandbox } from '../smugmug-sandbox/server';
import { createTestBucket, listKeys, readObject, startMigrationHarness } from './support/migration-harness';
import { smallLibrary, startPrivateSandbox } from './support/sandbox-client';

type Manifest = {
  album: { albumKey: string };
  images: Array<{ imageKey: string; serial: number; s3Key: string; md5: string; previewKey?: string }>;
};

let sandbox: RunningSandbox;
let harness: Awaited<ReturnType<typeof startMigrationHarness>>;
beforeAll(async () => {
  sandbox = await startPrivateSandbox({ library: { ...smallLibrary('previews', 'preview-tester'), videos: 1 } });
  harness = await startMigrationHarness(sandbox);
});
afterAll(async () => {
  await harness?.stop();
  await sandbox?.close();
});

const md5Of = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function manifests(bucket: string, prefix: string): Promise<Manifest[]> {
  const keys = [...(await listKeys(harness.s3, bucket, `${prefix}/`)).keys()].filter((k) => k.endsWith('/album.json'));
  return Promise.all(
    keys.map(async (k) => JSON.parse((await readObject(harness.s3, bucket, k)).toString()) as Manifest),
  );
}

describe('previews at copy time', () => {
  test('every image and video gets its preview in STANDARD, listed in album.json, copied once; never verified or counted as an original; off when asked', async () => {
    const bucket = await createTestBucket(harness.s3, 'previews');
    const first = await harness.run({ migrationId: 'first', target: { bucket, prefix: 'lib', previews: true } });
    expect(first.counts.albumsFailed).toBe(0);

    const images = (await manifests(bucket, 'lib')).flatMap((m) => m.images.map((i) => ({ ...i, album: m.album })));
    const library = [...sandbox.library.images.values()].filter((i) => !i.deleted && i.original);
    expect(images.length).toBe(library.length);
    expect(images.some((i) => sandbox.library.images.get(i.imageKey)!.isVideo)).toBe(true);
    for (const image of images) {
      const medium = sandbox.library.images.get(image.imageKey)!.medium!;
      expect(image.previewKey).toBe(
        `lib/_smugmug-s3-migration/_previews/${image.album.albumKey}/${image.imageKey}-${image.serial}.jpg`,
      );
      const head = await harness.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: image.previewKey }));
      expect([head.StorageClass ?? 'STANDARD', head.ContentType]).toEqual(['STANDARD', 'image/jpeg']);
      const body = Buffer.from(
        await (
          await harness.s3.send(new GetObjectCommand({ Bucket: bucket, Key: image.previewKey }))
        ).Body!.transformToByteArray(),
      );
      // SmugMug's rendition, byte for byte, and not the original.
      expect(md5Of(body)).toBe(medium.md5);
      expect(medium.md5).not.toBe(image.md5);
    }
    // Verification counts the originals only; no report names a preview.
    expect(first.counts.verified).toBe(library.length);
    const state = [...(await listKeys(harness.s3, bucket, 'lib/_smugmug-s3-migration/first/')).keys()];
    for (const key of state.filter((k) => k.endsWith('/verification.json')))
      expect((await readObject(harness.s3, bucket, key)).toString()).not.toContain('_previews');
    expect(Object.values(sandbox.counters().previewsServedByImage)).toEqual(library.map(() => 1));

    // A sync copies no preview again.
    const second = await harness.run({ migrationId: 'second', target: { bucket, prefix: 'lib', previews: true } });
    expect(second.counts.transferredFiles).toBe(0);
    expect(Object.values(sandbox.counters().previewsServedByImage)).toEqual(library.map(() => 1));
    expect((await manifests(bucket, 'lib')).flatMap((m) => m.images).every((i) => i.previewKey)).toBe(true);

    // The plan prices them: every image's rendition, its size as SmugMug gives it, in STANDARD.
    await harness.run({ migrationId: 'plan', dryRun: true, target: { bucket, prefix: 'planned', previews: true } });
    const plan = JSON.parse(
      (await readObject(harness.s3, bucket, 'planned/_smugmug-s3-migration/plan/plan-report.json')).toString(),
    ) as {
      costs: { previews: { objects: number; bytes: number; estimate: { storageClass: string; monthlyUsd: number } } };
    };
    expect(plan.costs.previews).toMatchObject({
      objects: library.length,
      bytes: library.reduce((sum, i) => sum + i.medium!.size, 0),
      estimate: { storageClass: 'STANDARD' },
    });
    expect(plan.costs.previews.estimate.monthlyUsd).toBeGreaterThan(0);

    // Previews off: none written, none listed.
    const off = await harness.run({ migrationId: 'off', target: { bucket, prefix: 'plain', previews: false } });
    expect(off.counts.verified).toBe(library.length);
    expect([...(await listKeys(harness.s3, bucket, 'plain/')).keys()].filter((k) => k.includes('_previews'))).toEqual(
      [],
    );
    expect((await manifests(bucket, 'plain')).flatMap((m) => m.images).some((i) => i.previewKey)).toBe(false);
  }, 180_000);
});
