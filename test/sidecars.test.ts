import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningSandbox } from '../smugmug-sandbox/server';
import { createTestBucket, listKeys, readObject, startMigrationHarness } from './support/migration-harness';
import { startPrivateSandbox } from './support/sandbox-client';
import { testStack } from './support/test-stack';

type Manifest = { images: Array<{ imageKey: string; s3Key: string; sidecarKey?: string }> };
type ExifRecord = {
  SourceFile: string;
  Title?: string;
  Description?: string;
  Subject?: string | string[];
  DateTimeOriginal?: string;
  GPSLatitude?: number;
  GPSLongitude?: number;
  ImageKey?: string;
};

let sandbox: RunningSandbox;
let harness: Awaited<ReturnType<typeof startMigrationHarness>>;
beforeAll(async () => {
  sandbox = await startPrivateSandbox({ library: { seed: 'sidecars', nickname: 'sidecar-tester', bigAlbumImages: 3 } });
  harness = await startMigrationHarness(sandbox);
});
afterAll(async () => {
  await harness?.stop();
  await sandbox?.close();
});

/** Every sidecar of the migration, read back by a real XMP reader: Debian's exiftool. */
async function readSidecars(bucket: string): Promise<Map<string, ExifRecord>> {
  const dir = await mkdtemp(join(testStack().runDir, 'sidecars-'));
  const manifests = [...(await listKeys(harness.s3, bucket, 'lib/')).keys()].filter((k) => k.endsWith('/album.json'));
  const files: string[] = [];
  for (const key of manifests) {
    const manifest = JSON.parse((await readObject(harness.s3, bucket, key)).toString()) as Manifest;
    for (const image of manifest.images) {
      expect(image.sidecarKey).toBe(`${image.s3Key}.xmp`);
      const file = join(dir, `${files.length}.xmp`);
      await writeFile(file, await readObject(harness.s3, bucket, image.sidecarKey!));
      files.push(file);
    }
  }
  const records = JSON.parse(
    execFileSync('exiftool', ['-j', '-n', ...files], { maxBuffer: 64 * 2 ** 20 }).toString(),
  ) as ExifRecord[];
  return new Map(records.map((r) => [`${r.ImageKey}|${r.SourceFile}`, r]));
}

const exifDate = (iso: string) =>
  iso.replace(/^(\d{4})-(\d{2})-(\d{2})T/, '$1:$2:$3 ').replace(/(Z|[+-]\d{2}:\d{2})$/, '');

describe('XMP sidecars', () => {
  test('exiftool reads from each sidecar the title, caption, keywords, GPS and capture date the sandbox holds; a changed caption rewrites only its sidecar', async () => {
    const bucket = await createTestBucket(harness.s3, 'sidecars');
    const first = await harness.run({ migrationId: 'first', target: { bucket, prefix: 'lib' } });
    expect(first.counts.albumsFailed).toBe(0);

    const records = await readSidecars(bucket);
    expect(records.size).toBe(first.counts.files);
    let commas = 0;
    let withoutDate = 0;
    for (const record of records.values()) {
      const image = sandbox.library.images.get(record.ImageKey!)!;
      expect(record.Title ?? '').toBe(image.title);
      expect(record.Description ?? '').toBe(image.caption);
      expect([record.Subject ?? []].flat()).toEqual(image.keywords);
      expect(record.GPSLatitude).toBeCloseTo(image.latitude, 6);
      expect(record.GPSLongitude).toBeCloseTo(image.longitude, 6);
      if (image.captured) expect(record.DateTimeOriginal).toBe(exifDate(image.captured));
      else {
        expect(record.DateTimeOriginal).toBeUndefined();
        withoutDate += 1;
      }
      if (image.keywords.some((k) => k.includes(','))) commas += 1;
    }
    // The tricky cases were there: keywords with commas, and files without a capture date.
    expect(commas).toBeGreaterThan(0);
    expect(withoutDate).toBeGreaterThan(0);

    // A caption changed on SmugMug: the sync run rewrites its sidecar, and nothing else.
    const keys = [...(await listKeys(harness.s3, bucket, 'lib/')).keys()];
    const before = new Map(
      await Promise.all(
        keys.map(
          async (k) => [k, (await harness.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: k }))).ETag] as const,
        ),
      ),
    );
    const edited = [...sandbox.library.images.values()].find((i) => i.fileName === '東京タワー 夜景.jpg')!;
    const res = await fetch(`${sandbox.url}/__sandbox/images/${edited.imageKey}`, {
      method: 'PATCH',
      body: JSON.stringify({ caption: 'Edited on SmugMug: 東京, "at night"' }),
    });
    expect(res.status).toBe(200);
    const second = await harness.run({ migrationId: 'second', target: { bucket, prefix: 'lib' } });
    expect(second.counts.transferredFiles).toBe(0);
    const changed: string[] = [];
    for (const [key, etag] of before) {
      if (key.endsWith('/album.json')) continue;
      const now = (await harness.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).ETag;
      if (now !== etag) changed.push(key);
    }
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatch(/東京タワー 夜景\.jpg\.xmp$/);
    const after = await readSidecars(bucket);
    expect([...after.values()].find((r) => r.ImageKey === edited.imageKey)!.Description).toBe(
      'Edited on SmugMug: 東京, "at night"',
    );
  }, 240_000);
});
