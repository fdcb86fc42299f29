import { GetObjectTaggingCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { MigrationInput } from '../common/migration-input';
import { AesGcmPayloadCodec, parsePayloadKeys } from '../encryption/payload-codec';
import { resolveTool } from '../local-stack/tools';
import { RunStateAttribute } from '../common/search-attributes';
import { testStack } from './support/test-stack';
import { DEFAULT_RAW_COMPONENTS, type SandboxImage } from '../smugmug-sandbox/library';
import type { RunningSandbox } from '../smugmug-sandbox/server';
import { createTestBucket, listKeys, md5Of, readObject, startMigrationHarness } from './support/migration-harness';
import { startPrivateSandbox } from './support/sandbox-client';

type Manifest = {
  album: { albumKey: string; name: string; path: string[] };
  verified: boolean;
  images: Array<{
    imageKey: string;
    s3Key: string;
    md5: string;
    source: string;
    title: string;
    caption: string;
    keywords: string[];
    latitude?: number;
    fileName: string;
    components?: Array<{ s3Key: string; fileName: string; verified: boolean }>;
  }>;
  unavailable: Array<{ imageKey: string; reason: string }>;
};

/** The bytes a migration must copy for an image: the original, or the transcode when there is none. */
function expectedCopy(image: SandboxImage) {
  if (image.processing || image.subStatus === 'CanNotProcess') return undefined;
  return image.original ?? image.largestVideo;
}

let sandbox: RunningSandbox;
let harness: Awaited<ReturnType<typeof startMigrationHarness>>;
beforeAll(async () => {
  // The default library as `npm run sandbox` serves it: an account with SmugMug Source (a few RAW files).
  sandbox = await startPrivateSandbox({ library: { rawComponents: DEFAULT_RAW_COMPONENTS } });
  harness = await startMigrationHarness(sandbox);
});
afterAll(async () => {
  await harness?.stop();
  await sandbox?.close();
});

async function manifests(s3: S3Client, bucket: string, prefix: string): Promise<Manifest[]> {
  const keys = [...(await listKeys(s3, bucket, prefix)).keys()].filter((k) => k.endsWith('/album.json'));
  return Promise.all(keys.map(async (k) => JSON.parse((await readObject(s3, bucket, k)).toString()) as Manifest));
}

describe("migrating the sandbox's default library", () => {
  let bucket: string;
  beforeAll(async () => {
    bucket = await createTestBucket(harness.s3, 'migrate');
  });

  test('every image arrives byte-identical, keys mirror the folder tree, album.json holds the metadata, the report says verified', async () => {
    const result = await harness.run({
      migrationId: 'full',
      target: { bucket, prefix: 'library' },
      verification: { deep: 'all' },
    });
    expect(result).toMatchObject({
      phase: 'completed',
      counts: { albumsTotal: sandbox.library.albums.size, albumsFailed: 0 },
    });
    expect(result.counts.unavailable).toBe(2);

    const albums = await manifests(harness.s3, bucket, 'library/');
    expect(albums).toHaveLength(sandbox.library.albums.size);
    let copied = 0;
    let raws = 0;
    for (const manifest of albums) {
      expect(manifest.verified).toBe(true);
      const album = sandbox.library.albums.get(manifest.album.albumKey)!;
      const folder = `library/${manifest.album.path.map((s) => s.normalize('NFC').replace(/[\\/{}^%`[\]"<>~#|]/g, '_')).join('/')}`;
      const placements = album.placements.map((p) => sandbox.library.images.get(p.imageKey)!);
      expect(manifest.images.length + manifest.unavailable.length).toBe(placements.length);
      for (const entry of manifest.images) {
        const image = sandbox.library.images.get(entry.imageKey)!;
        expect(entry.s3Key.startsWith(`${folder}/`)).toBe(true);
        const bytes = await readObject(harness.s3, bucket, entry.s3Key);
        expect(md5Of(bytes)).toBe(expectedCopy(image)!.md5);
        expect(entry).toMatchObject({
          title: image.title,
          caption: image.caption,
          keywords: image.keywords,
          latitude: image.latitude,
          fileName: image.fileName,
        });
        copied += 1;
        // A RAW (SmugMug Source) beside its photo, same name, its own extension, its own bytes.
        expect(entry.components ?? []).toHaveLength(image.raw ? 1 : 0);
        for (const component of entry.components ?? []) {
          expect(component.s3Key).toBe(entry.s3Key.replace(/\.[^.]+$/, '.rw2'));
          expect(md5Of(await readObject(harness.s3, bucket, component.s3Key))).toBe(image.raw!.md5);
          expect(component).toMatchObject({ verified: true, fileName: image.raw!.fileName });
          raws += 1;
        }
      }
    }
    const placementsWithBytes = [...sandbox.library.albums.values()]
      .flatMap((a) => a.placements)
      .filter((p) => expectedCopy(sandbox.library.images.get(p.imageKey)!));
    expect(copied).toBe(placementsWithBytes.length);
    expect(raws).toBe(DEFAULT_RAW_COMPONENTS);
    expect(result.counts.verified).toBe(copied + raws);

    const keys = [...(await listKeys(harness.s3, bucket, 'library/')).keys()];
    // Five folder levels deep, as on SmugMug.
    const deepest = albums.map((m) => m.album.path.length).reduce((a, b) => Math.max(a, b));
    expect(deepest).toBe(6);
    // NFD names arrive NFC; the two "Crème brûlée.jpg" spellings stay two objects.
    expect(keys.filter((k) => k.normalize('NFC') === k && k.includes('Crème brûlée')).length).toBeGreaterThanOrEqual(2);
    expect(keys.some((k) => k.includes('東京タワー 夜景.jpg'))).toBe(true);
    // A slash in an album name does not invent a folder; S3-unsafe characters are replaced.
    expect(
      keys.some((k) => k.startsWith('library/Edge Cases/Q&A: 100_ _1 + more? a_b/50_ off + more _1?&a=b.jpg')),
    ).toBe(true);
    // Three images named IMG_0001.JPG in one album: three objects.
    expect(keys.filter((k) => /Duplicate File Names\/IMG_0001(_[A-Za-z0-9]+)?\.JPG$/.test(k))).toHaveLength(3);
    // One image in two albums: a copy in each album's folder.
    expect(keys.filter((k) => k.endsWith('/shared-between-albums.jpg'))).toHaveLength(2);
    // The empty album still gets its manifest; nothing incomplete is left.
    expect(keys).toContain('library/Edge Cases/Empty Album/album.json');

    const videos = albums.find((m) => m.album.name === 'Videos')!;
    expect(videos.images.find((i) => i.fileName === 'transcode-only.mp4')).toMatchObject({ source: 'largest-video' });
    expect(videos.images.find((i) => i.fileName === 'original-kept.mp4')).toMatchObject({ source: 'original' });
    expect(videos.unavailable.map((u) => u.reason)).toEqual(
      expect.arrayContaining([expect.stringMatching(/processing/), expect.stringMatching(/could not process/)]),
    );
  });

  test('the Temporal UI can find and explain the run: search attributes, summaries, details, activity summaries', async () => {
    const { temporal } = testStack();
    const binary = await resolveTool('temporal', { install: false });
    const listed = execFileSync(
      binary,
      [
        'workflow',
        'list',
        '--address',
        temporal.address,
        '--query',
        `SmugMugAccount='${sandbox.library.nickname}'`,
        '-o',
        'json',
      ],
      { encoding: 'utf8' },
    );
    const ids = (JSON.parse(listed) as Array<{ execution: { workflowId: string } }>).map((w) => w.execution.workflowId);
    const accountId = `migrate-${sandbox.library.nickname}-full`;
    expect(ids).toContain(accountId);
    expect(ids.filter((id) => id.startsWith(`${accountId}/album-`))).toHaveLength(sandbox.library.albums.size);

    const account = harness.client.workflow.getHandle(accountId);
    const description = await account.describe();
    expect(description.typedSearchAttributes.get(RunStateAttribute)).toBe('completed');
    const album = [...sandbox.library.albums.values()].find((a) => a.name === 'Duplicate File Names')!;
    const albumRun = harness.client.workflow.getHandle(`${accountId}/album-${album.albumKey}`);
    expect(await (await albumRun.describe()).staticSummary()).toBe('Album Edge Cases / Duplicate File Names');
    const history = await albumRun.fetchHistory();
    // Summaries are encrypted like every payload: the UI reads them through the codec, as here.
    const codec = new AesGcmPayloadCodec(parsePayloadKeys(harness.config.PAYLOAD_ENCRYPTION_KEYS));
    const encrypted = history.events!.filter((e) => e.userMetadata?.summary).map((e) => e.userMetadata!.summary!);
    const summaries = (await codec.decode(encrypted)).map((p) => JSON.parse(Buffer.from(p.data!).toString()) as string);
    expect(summaries).toEqual(
      expect.arrayContaining([
        'Plan album Edge Cases / Duplicate File Names',
        'Copy 3 files of album Edge Cases / Duplicate File Names',
        'Verify album Edge Cases / Duplicate File Names',
      ]),
    );
  });

  test('a second run transfers 0 bytes; after new uploads, a run transfers exactly those', async () => {
    const again = await harness.run({ migrationId: 'again', target: { bucket, prefix: 'library' } });
    expect(again.phase).toBe('completed');
    expect(again.counts.transferredBytes).toBe(0);
    expect(again.counts.transferredFiles).toBe(0);
    expect(again.counts.alreadyPresent).toBe(again.counts.files);

    const album = [...sandbox.library.albums.values()].find((a) => a.name === 'Album 2')!;
    const added = new Map<string, { size: number; md5: string }>();
    for (const fileName of ['new-1.jpg', 'new-2.jpg']) {
      const res = await fetch(`${sandbox.url}/__sandbox/albums/${album.albumKey}/images`, {
        method: 'POST',
        body: JSON.stringify({ fileName, bytes: 40_000 }),
      });
      expect(res.status).toBe(200);
      added.set(fileName, (await res.json()) as { size: number; md5: string });
    }
    const third = await harness.run({ migrationId: 'third', target: { bucket, prefix: 'library' } });
    expect(third.counts.transferredFiles).toBe(2);
    expect(third.counts.transferredBytes).toBe([...added.values()].reduce((sum, a) => sum + a.size, 0));
    const keys = [...(await listKeys(harness.s3, bucket, 'library/')).keys()];
    for (const [name, original] of added) {
      const key = keys.find((k) => k.endsWith(`/${name}`))!;
      expect(md5Of(await readObject(harness.s3, bucket, key))).toBe(original.md5);
    }
  });

  test('a dry run plans counts and bytes per album and copies nothing', async () => {
    const empty = await createTestBucket(harness.s3, 'dry');
    const result = await harness.run({ migrationId: 'dry', target: { bucket: empty }, dryRun: true });
    expect(result.phase).toBe('completed');
    expect(result.counts.files).toBeGreaterThan(100);
    expect(result.counts.transferredFiles).toBe(0);
    const keys = [...(await listKeys(harness.s3, empty)).keys()];
    expect(keys.every((k) => k.startsWith('_smugmug-s3-migration/dry/'))).toBe(true);
  });
});

describe('migration options', () => {
  test('an album filter, tags, a storage class and server-side encryption reach every object', async () => {
    const bucket = await createTestBucket(harness.s3, 'options');
    const result = await harness.run({
      migrationId: 'options',
      target: {
        bucket,
        prefix: 'opts',
        storageClass: 'STANDARD',
        sse: { type: 'AES256' },
        tags: { project: 'smugmug-move', owner: 'studio' },
      },
      albums: { include: ['Edge Cases/*'], exclude: ['*/Larger Than One Page', '*/Videos'] },
    });
    const edgeAlbums = [...sandbox.library.albums.values()].filter((a) =>
      sandbox.library.nodes.get(a.nodeId)!.urlPath.startsWith('/Edge-Cases/'),
    );
    expect(result).toMatchObject({
      phase: 'completed',
      counts: { albumsTotal: edgeAlbums.length - 2, albumsFailed: 0 },
    });
    const keys = [...(await listKeys(harness.s3, bucket, 'opts/')).keys()].filter((k) => /\.(jpg|JPG)$/.test(k));
    expect(keys.length).toBeGreaterThan(5);
    expect(keys.every((k) => k.startsWith('opts/Edge Cases/') && !k.includes('Larger Than One Page'))).toBe(true);
    for (const key of keys.slice(0, 5)) {
      const head = await harness.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      expect(head.ServerSideEncryption).toBe('AES256');
      expect(head.Metadata).toMatchObject({
        'smugmug-image-key': expect.any(String),
        'source-md5': expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      const tags = await harness.s3.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
      expect(tags.TagSet).toEqual(
        expect.arrayContaining([
          { Key: 'project', Value: 'smugmug-move' },
          { Key: 'owner', Value: 'studio' },
        ]),
      );
    }
    // Encrypted objects do not carry the MD5 as ETag; the next run still recognises them.
    const again = await harness.run({
      migrationId: 'options-again',
      target: { bucket, prefix: 'opts', sse: { type: 'AES256' } },
      albums: { include: ['Edge Cases/*'], exclude: ['*/Larger Than One Page', '*/Videos'] },
    });
    expect(again.counts.transferredFiles).toBe(0);
  });

  test('bad input is refused before anything starts, naming the field', () => {
    const parsed = MigrationInput.safeParse({
      migrationId: 'Bad Id!',
      account: 'x',
      target: { bucket: 'B' },
      albumConcurrency: 0,
    });
    expect(parsed.success).toBe(false);
    const fields = parsed.error!.issues.map((i) => i.path.join('.'));
    expect(fields).toEqual(expect.arrayContaining(['migrationId', 'target.bucket', 'albumConcurrency']));
  });
});

describe('refusing what cannot work', () => {
  // The account's desk checks both before it starts anything (the migration checks the bucket again
  // at its own start, for a bucket gone meanwhile: test/workflow/).
  test('a missing bucket is refused at once with a clear message, and nothing starts', async () => {
    const start = harness.start({ migrationId: 'nobucket', target: { bucket: 'no-such-bucket-here' } });
    await expect(start).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/no-such-bucket-here.*does not exist/) },
    });
    await expect(
      harness.client.workflow.getHandle(`migrate-${sandbox.library.nickname}-nobucket`).describe(),
    ).rejects.toThrow(/not found/i);
  });

  test('a token of another account is refused', async () => {
    const bucket = await createTestBucket(harness.s3, 'wrong');
    const start = harness.start({ migrationId: 'wrongacct', account: 'someone-else', target: { bucket } });
    await expect(start).rejects.toMatchObject({
      cause: { message: expect.stringContaining(`belongs to "${sandbox.library.nickname}", not "someone-else"`) },
    });
  });
});
