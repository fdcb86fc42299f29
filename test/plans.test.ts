import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { BUILT_IN_PRICES } from '../plans/s3-prices';
import { DEFAULT_RAW_COMPONENTS, type SandboxImage } from '../smugmug-sandbox/library';
import { apiTestbedForTests } from './support/api-harness';
import { cliAgainst } from './support/cli-runner';
import { createTestBucket } from './support/migration-harness';

// The default library as `npm run sandbox` serves it, RAW files included.
const testbed = apiTestbedForTests({
  library: { seed: 'plan', nickname: 'plan-tester', rawComponents: DEFAULT_RAW_COMPONENTS },
});

/** The bytes a migration copies for an image: the original, or the transcode when there is none. */
const copyOf = (image: SandboxImage) =>
  image.processing || image.subStatus === 'CanNotProcess' ? undefined : (image.original ?? image.largestVideo);

describe('a plan before moving', () => {
  test('reports exactly the files, bytes, held items and duplicates of the library, and costs that match the price table', async () => {
    const bucket = await createTestBucket(testbed.harness.s3, 'plan');
    const run = await cliAgainst(testbed.api.url)([
      'plan',
      '--account',
      testbed.sandbox.library.nickname,
      '--bucket',
      bucket,
      '--smugmug-plan',
      'Power',
      '--smugmug-monthly',
      '16',
    ]).done;
    expect(run.code).toBe(0);
    const id = /Planning (\S+):/.exec(run.output)![1];
    expect(run.output).toMatch(/Costs in us-east-1 \(prices: built-in: .*, 2025-10-28\)/);
    expect(run.output).toMatch(/DEEP_ARCHIVE .* 180 days/);
    expect(run.output).toContain('SmugMug Power: $16 a month; cheapest here: DEEP_ARCHIVE');
    expect(run.output).toMatch(/RAW files: \d+, \d+\.\d\d GB \(SmugMug Source/);

    const { status, body: plan } = await testbed.api.call('GET', `/v1/plans/${id}`);
    expect(status).toBe(200);

    // The testbed.sandbox's own catalogue: every placement with bytes is a file in its album's folder.
    const placements = [...testbed.sandbox.library.albums.values()].flatMap((a) =>
      a.placements.map((p) => testbed.sandbox.library.images.get(p.imageKey)!),
    );
    const copied = placements.filter((i) => copyOf(i));
    // SmugMug Source's RAW files beside their photos are files of their own, counted apart from photos.
    const raws = copied.filter((i) => i.raw).map((i) => i.raw!);
    expect(raws.length).toBeGreaterThan(0);
    const sizes = [...copied.map((i) => copyOf(i)!.size), ...raws.map((r) => r.size)];
    const bytes = sizes.reduce((a, b) => a + b, 0);
    const held = placements.filter((i) => !copyOf(i) || !i.original).length;
    const byMd5 = new Map<string, Set<string>>();
    for (const i of copied) byMd5.set(copyOf(i)!.md5, (byMd5.get(copyOf(i)!.md5) ?? new Set()).add(i.imageKey));
    const duplicates = [...byMd5.values()].reduce((s, keys) => s + keys.size - 1, 0);
    expect(plan.totals).toMatchObject({
      albums: testbed.sandbox.library.albums.size,
      files: copied.length + raws.length,
      bytes,
      held,
      rawFiles: raws.length,
      rawBytes: raws.reduce((s, r) => s + r.size, 0),
      photos: copied.filter((i) => !i.isVideo).length,
      videos: copied.filter((i) => i.isVideo).length,
      uniqueImages: new Set(copied.map((i) => i.imageKey)).size,
      duplicateImages: duplicates,
    });
    expect(plan.largest[0].bytes).toBe(Math.max(...sizes));

    // By hand, from the price table: Standard bills the bytes; Standard-IA bills every photo under 128 KB as 128 KB.
    const GB = 2 ** 30;
    const prices = BUILT_IN_PRICES.regions['us-east-1'];
    const cost = (c: string) =>
      (plan.costs.classes as Array<{ storageClass: string; monthlyUsd: number; putRequests: number }>).find(
        (e) => e.storageClass === c,
      )!;
    expect(cost('STANDARD').monthlyUsd).toBeCloseTo((bytes / GB) * prices.STANDARD.storagePerGbMonth, 10);
    const iaBillable = sizes.reduce((s, size) => s + Math.max(size, 128 * 1024), 0);
    expect(iaBillable).toBeGreaterThan(bytes);
    expect(cost('STANDARD_IA').monthlyUsd).toBeCloseTo((iaBillable / GB) * prices.STANDARD_IA.storagePerGbMonth, 10);
    expect(cost('STANDARD').putRequests).toBe(copied.length + raws.length);

    // Nothing was copied.
    const { Contents } = await testbed.harness.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect((Contents ?? []).filter((o) => !o.Key!.includes('_smugmug-s3-migration'))).toEqual([]);
  }, 180_000);
});
