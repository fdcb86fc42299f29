import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { restoreStateOf } from '../../s3/archive';
import { ArchiveIndex } from '../../service/archive-index';
import type { AlbumManifest } from '../../state/documents';
import { estimateRestore } from '../../plans/cost-estimate';
import { BUILT_IN_PRICES } from '../../plans/s3-prices';

/** An image of a manifest, with what search reads. */
const image = (imageKey: string, fields: Partial<AlbumManifest['images'][number]> = {}) => ({
  imageKey,
  serial: 0,
  fileName: `${imageKey}.jpg`,
  s3Key: `lib/${imageKey}.jpg`,
  size: 10,
  md5: '0'.repeat(32),
  source: 'original' as const,
  identicalToOriginal: true,
  format: 'JPG',
  isVideo: false,
  title: '',
  caption: '',
  keywords: [],
  hidden: false,
  verified: true,
  ...fields,
});

const manifest = (albumKey: string, path: string[], images: AlbumManifest['images']): AlbumManifest => ({
  album: { albumKey, name: path[path.length - 1], path, nodeId: albumKey },
  migratedAt: '2026-12-06T00:00:00Z',
  verified: true,
  images,
  unavailable: [],
});

/** An S3 client whose bucket holds these manifests and their index entries, counting what is read. */
function bucketOf(manifests: AlbumManifest[], tags: Record<string, string> = {}) {
  const client = new S3Client({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
  const reads: string[] = [];
  const objects = new Map<string, string>();
  for (const m of manifests) {
    const key = `${m.album.path.join('/')}/album.json`;
    objects.set(key, JSON.stringify(m));
    objects.set(
      `lib/_smugmug-s3-migration/_index/${m.album.albumKey}.json`,
      JSON.stringify({ manifestKey: key, writtenAt: 'x' }),
    );
  }
  jest.spyOn(client, 'send').mockImplementation(async (command: unknown) => {
    if (command instanceof ListObjectsV2Command)
      return {
        Contents: [...objects.keys()]
          .filter((k) => k.startsWith(command.input.Prefix!))
          .map((Key) => ({ Key, ETag: tags[Key] ?? '"1"' })),
      };
    if (command instanceof GetObjectCommand) {
      reads.push(command.input.Key!);
      const text = objects.get(command.input.Key!)!;
      return { Body: { transformToString: async () => text } };
    }
    throw new Error(`unexpected ${String(command)}`);
  });
  return { client, reads, objects };
}

describe("the archive's index", () => {
  const library = [
    manifest(
      'A1',
      ['Travel', '2019', 'Paris'],
      [
        image('P1', {
          keywords: ['Eiffel', 'night'],
          captured: '2019-07-14T22:00:00+02:00',
          caption: 'Fireworks over the river',
        }),
        image('P2', { keywords: ['Louvre'], captured: '2019-07-15T10:00:00+02:00', title: 'The pyramid' }),
      ],
    ),
    manifest(
      'A2',
      ['Travel', '2020', 'Rome'],
      [image('R1', { keywords: ['night'], captured: '2020-02-01T20:00:00+01:00' })],
    ),
    manifest('A3', ['Family'], [image('F1', { title: 'Birthday' }), image('F2')]),
  ];

  test('folders and albums at each level, with their counts', async () => {
    const { client } = bucketOf(library);
    const index = await new ArchiveIndex(client, { bucket: 'b', prefix: 'lib' }).current();
    expect(index.size).toEqual({ albums: 3, images: 5 });
    const top = index.folder([]);
    expect(top.folders).toEqual([{ name: 'Travel', albums: 2, images: 3 }]);
    expect(top.albums.map((a) => a.manifest.album.name)).toEqual(['Family']);
    expect(index.folder(['Travel']).folders.map((f) => f.name)).toEqual(['2019', '2020']);
    expect(index.folder(['Travel', '2019']).albums.map((a) => a.manifest.album.albumKey)).toEqual(['A1']);
    expect(index.folder(['Nowhere'])).toMatchObject({ folders: [], albums: [] });
  });

  test('search by keyword (any case), words, and a range of capture days, oldest first', async () => {
    const index = await new ArchiveIndex(bucketOf(library).client, { bucket: 'b', prefix: 'lib' }).current();
    const keys = (q: Parameters<typeof index.search>[0]) => index.search(q).images.map((i) => i.image.imageKey);
    expect(keys({ keyword: 'NIGHT' })).toEqual(['P1', 'R1']);
    expect(keys({ text: 'fireworks RIVER' })).toEqual(['P1']);
    expect(keys({ text: 'pyramid' })).toEqual(['P2']);
    expect(keys({ text: 'f2.jpg' })).toEqual(['F2']);
    expect(keys({ from: '2019-07-15', to: '2020-12-31' })).toEqual(['P2', 'R1']);
    expect(keys({ keyword: 'night', to: '2019-12-31' })).toEqual(['P1']);
    expect(index.search({ keyword: 'night' }, 1)).toMatchObject({ total: 2, images: [{ image: { imageKey: 'P1' } }] });
  });

  test('read again after a while: only the albums whose entry changed, and gone albums dropped', async () => {
    const tags: Record<string, string> = {};
    const bucket = bucketOf(library, tags);
    const index = new ArchiveIndex(bucket.client, { bucket: 'b', prefix: 'lib' });
    await index.current();
    expect(bucket.reads).toHaveLength(6);
    bucket.reads.length = 0;
    tags['lib/_smugmug-s3-migration/_index/A2.json'] = '"2"';
    bucket.objects.delete('lib/_smugmug-s3-migration/_index/A3.json');
    await index.refreshNow();
    expect(bucket.reads).toEqual(['lib/_smugmug-s3-migration/_index/A2.json', 'Travel/2020/Rome/album.json']);
    expect(index.size).toEqual({ albums: 2, images: 3 });
  });
});

describe('restores', () => {
  test('x-amz-restore read as S3 writes it', () => {
    expect(restoreStateOf({})).toEqual({ state: 'none' });
    expect(restoreStateOf({ Restore: 'ongoing-request="true"' })).toEqual({ state: 'ongoing' });
    expect(restoreStateOf({ Restore: 'ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"' })).toEqual(
      { state: 'restored', expiry: 'Fri, 21 Dec 2012 00:00:00 GMT' },
    );
  });

  test("each class's tiers, priced by size and requests: DEEP_ARCHIVE has no Expedited", () => {
    const opts = { prices: BUILT_IN_PRICES, region: 'us-east-1' };
    const glacier = estimateRestore('GLACIER', [1e9, 1e9], opts)!;
    expect(glacier.map((t) => t.tier)).toEqual(['Expedited', 'Standard', 'Bulk']);
    const deep = estimateRestore('DEEP_ARCHIVE', [1e9, 1e9], opts)!;
    expect(deep.map((t) => t.tier)).toEqual(['Standard', 'Bulk']);
    expect(deep[0].usd).toBeGreaterThan(deep[1].usd);
    expect(estimateRestore('STANDARD', [1e9], opts)).toEqual([]);
    expect(estimateRestore('GLACIER', [1e9], { ...opts, region: 'nowhere-1' })).toBeUndefined();
  });
});
