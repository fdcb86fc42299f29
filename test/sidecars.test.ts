import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { captureDateOf } from '../common/capture-date';
import type { SandboxImage } from '../smugmug-sandbox/library';
import type { RunningSandbox } from '../smugmug-sandbox/server';
import { createTestBucket, listKeys, readObject, startMigrationHarness } from './support/migration-harness';
import { startPrivateSandbox } from './support/sandbox-client';
import { testStack } from './support/test-stack';

type Manifest = {
  images: Array<{
    imageKey: string;
    fileName: string;
    s3Key: string;
    sidecarKey?: string;
    captured?: string;
    capturedFrom?: string;
  }>;
};
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

/** exiftool's spelling of an ISO 8601 date-time: `2021:03:14 02:30:00+09:00`. */
const exifDate = (iso: string) => iso.replace(/^(\d{4})-(\d{2})-(\d{2})T/, '$1:$2:$3 ');

/** The capture dates of the sandbox's edge cases, worked out by hand from the rule README states. */
const HAND_WORKED_CAPTURE_DATES: Record<string, string> = {
  // The EXIF offset wins, even though 02:30 is skipped in Los Angeles that night.
  '東京タワー 夜景.jpg': '2021-03-14T02:30:00+09:00',
  // Pacific time: 02:30 does not exist on 14 March 2021, so it moves forward by the hour.
  ['Crème brûlée.jpg'.normalize('NFD')]: '2021-03-14T03:30:00-07:00',
  // Pacific time: 01:30 happens twice on 7 November 2021; the first, daylight one is taken.
  ['Crème brûlée.jpg'.normalize('NFC')]: '2021-11-07T01:30:00-07:00',
};

/** What the rule gives for a sandbox image, from the same values SmugMug's API shows for it. */
const expectedCaptureDate = (image: SandboxImage) =>
  HAND_WORKED_CAPTURE_DATES[image.fileName] ??
  captureDateOf(image.captured, { DateTimeOriginal: image.captured, OffsetTimeOriginal: image.captureOffset })
    ?.captured;

describe('XMP sidecars', () => {
  test('exiftool reads from each sidecar the title, caption, keywords, GPS and true capture date the sandbox holds; a changed caption rewrites only its sidecar', async () => {
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
      if (image.captured) expect(record.DateTimeOriginal).toBe(exifDate(expectedCaptureDate(image)!));
      else {
        expect(record.DateTimeOriginal).toBeUndefined();
        withoutDate += 1;
      }
      if (image.keywords.some((k) => k.includes(','))) commas += 1;
    }
    // The tricky cases were there: keywords with commas, and files without a capture date.
    expect(commas).toBeGreaterThan(0);
    expect(withoutDate).toBeGreaterThan(0);

    // The same capture date in album.json (with where it came from) and on the object itself.
    const manifests = [...(await listKeys(harness.s3, bucket, 'lib/')).keys()].filter((k) => k.endsWith('/album.json'));
    const byFileName = new Map<string, Manifest['images'][number]>();
    for (const key of manifests) {
      const manifest = JSON.parse((await readObject(harness.s3, bucket, key)).toString()) as Manifest;
      for (const image of manifest.images) byFileName.set(image.fileName, image);
    }
    for (const [fileName, captured] of Object.entries(HAND_WORKED_CAPTURE_DATES)) {
      const entry = byFileName.get(fileName)!;
      expect({ fileName, captured: entry.captured }).toEqual({ fileName, captured });
      expect(entry.capturedFrom).toBe(fileName.startsWith('東京') ? 'exif-with-offset' : 'smugmug-pacific');
      const head = await harness.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: entry.s3Key }));
      expect(head.Metadata?.['capture-date']).toBe(captured);
    }

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
      // Every verification rewrites the album's manifest and the archive index's entry naming it.
      if (key.endsWith('/album.json') || key.includes('/_smugmug-s3-migration/_index/')) continue;
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
