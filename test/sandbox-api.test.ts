import type { RunningSandbox } from '../smugmug-sandbox/server';
import { sandboxClient, startPrivateSandbox } from './support/sandbox-client';

type Node = {
  NodeID: string;
  Type: string;
  Name: string;
  UrlPath: string;
  Uri: string;
  Uris: Record<string, { Uri: string }>;
};
type Album = {
  AlbumKey: string;
  Name: string;
  UrlPath: string;
  ImageCount: number;
  Uris: Record<string, { Uri: string }>;
};
type AlbumImage = {
  ImageKey: string;
  FileName: string;
  IsVideo: boolean;
  Hidden: boolean;
  Processing: boolean;
  Origin: string;
  Uri: string;
  ArchivedUri?: string;
  ArchivedSize?: number;
  ArchivedMD5?: string;
  SubStatus: string;
  Uris: Record<string, { Uri: string }>;
};

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startPrivateSandbox({ maxPageSize: 100 });
});
afterAll(() => sandbox.close());

/** Walks the folder tree from the user's root node, following every page of every !children list. */
async function walkTree(client: ReturnType<typeof sandboxClient>) {
  const me = await client.json('/api/v2!authuser');
  const root = (me.body.Response.User as { Uris: { Node: { Uri: string } } }).Uris.Node.Uri;
  const albums: Array<{ node: Node; depth: number }> = [];
  const folders: Array<{ node: Node; depth: number }> = [];
  const visit = async (nodeUri: string, depth: number) => {
    for (const child of await client.all<Node>(`${nodeUri}!children`)) {
      if (child.Type === 'Folder') {
        folders.push({ node: child, depth });
        await visit(child.Uri, depth + 1);
      } else albums.push({ node: child, depth });
    }
  };
  await visit(root, 1);
  return { albums, folders };
}

describe('SmugMug sandbox API v2', () => {
  test('the node tree is walkable from !authuser, folders nest 5 levels, album nodes point to their album', async () => {
    const { albums, folders } = await walkTree(sandboxClient(sandbox));
    expect(Math.max(...folders.map((f) => f.depth))).toBe(5);
    expect(albums.length).toBe(sandbox.library.albums.size);
    for (const { node } of albums) expect(node.Uris.Album.Uri).toMatch(/^\/api\/v2\/album\/[A-Za-z0-9]+$/);
    const deepest = folders.find((f) => f.depth === 5)!;
    expect(deepest.node.UrlPath.split('/').filter(Boolean)).toHaveLength(5);
  });

  test('user!albums pages with start/count: the count cap is enforced, NextPage is absent on the last page', async () => {
    const client = sandboxClient(sandbox);
    const path = `/api/v2/user/${sandbox.library.nickname}!albums`;
    const first = await client.json(`${path}?start=1&count=5`);
    expect(first.body.Response.Pages).toMatchObject({
      Total: sandbox.library.albums.size,
      Start: 1,
      Count: 5,
      RequestedCount: 5,
      NextPage: `${path}?start=6&count=5`,
    });
    const all = await client.all<Album>(`${path}?count=5`);
    expect(all.map((a) => a.AlbumKey).sort()).toEqual([...sandbox.library.albums.keys()].sort());
    expect(new Set(all.map((a) => a.AlbumKey)).size).toBe(all.length);

    const last = await client.json(`${path}?start=${sandbox.library.albums.size}&count=5`);
    expect(last.body.Response.Pages).not.toHaveProperty('NextPage');
    expect(last.body.Response.Pages).toHaveProperty('PrevPage');
  });

  test('an album larger than one page: count is clamped to the server maximum and paging returns every image once', async () => {
    const client = sandboxClient(sandbox);
    const big = [...sandbox.library.albums.values()].find((a) => a.name === 'Larger Than One Page')!;
    const first = await client.json(`/api/v2/album/${big.albumKey}!images?count=100000`);
    expect(first.body.Response.Pages).toMatchObject({ Total: 130, Count: 100, RequestedCount: 100 });
    expect(first.body.Response.Pages!.NextPage).toBe(`/api/v2/album/${big.albumKey}!images?start=101&count=100`);
    const images = await client.all<AlbumImage>(`/api/v2/album/${big.albumKey}!images?count=100000`);
    expect(images).toHaveLength(130);
    expect(new Set(images.map((i) => i.ImageKey)).size).toBe(130);
  });

  test('an empty album has no locator key at all, as SmugMug answers', async () => {
    const client = sandboxClient(sandbox);
    const empty = [...sandbox.library.albums.values()].find((a) => a.name === 'Empty Album')!;
    const res = await client.json(`/api/v2/album/${empty.albumKey}!images`);
    expect(res.status).toBe(200);
    expect(res.body.Response.Locator).toBe('AlbumImage');
    expect(res.body.Response).not.toHaveProperty('AlbumImage');
    expect(res.body.Response.Pages).toMatchObject({ Total: 0, Count: 0 });
  });

  test('the default library holds every tricky case', async () => {
    const client = sandboxClient(sandbox);
    const albums = await client.all<Album>(`/api/v2/user/${sandbox.library.nickname}!albums`);
    const byName = (name: string) => albums.find((a) => a.Name === name);
    const imagesOf = (name: string) => client.all<AlbumImage>(`/api/v2/album/${byName(name)!.AlbumKey}!images`);

    // Unicode in NFD form, and two names that differ only by normalisation.
    const unicodeAlbum = albums.find((a) => a.Name.normalize('NFC').startsWith('Crème brûlée'))!;
    expect(unicodeAlbum.Name).not.toBe(unicodeAlbum.Name.normalize('NFC'));
    const unicodeNames = (await client.all<AlbumImage>(`/api/v2/album/${unicodeAlbum.AlbumKey}!images`)).map(
      (i) => i.FileName,
    );
    expect(unicodeNames).toEqual(
      expect.arrayContaining([
        'Crème brûlée.jpg'.normalize('NFD'),
        'Crème brûlée.jpg'.normalize('NFC'),
        '東京タワー 夜景.jpg',
      ]),
    );

    expect(byName('Q&A: 100% #1 + more? a/b')).toBeDefined();
    expect((await imagesOf('Q&A: 100% #1 + more? a/b')).map((i) => i.FileName)).toContain('50% off + more #1?&a=b.jpg');

    const duplicates = await imagesOf('Duplicate File Names');
    expect(duplicates.map((i) => i.FileName)).toEqual(['IMG_0001.JPG', 'IMG_0001.JPG', 'IMG_0001.JPG']);
    expect(new Set(duplicates.map((i) => i.ArchivedMD5)).size).toBe(3);

    const [source] = await imagesOf('Collected Source');
    const collected = (await imagesOf('Collected Into')).find((i) => i.ImageKey === source.ImageKey)!;
    expect(source.Origin).toBe('Album');
    expect(collected.Origin).toBe('Collected');
    expect(collected.ArchivedMD5).toBe(source.ArchivedMD5);

    expect(byName('Empty Album')!.ImageCount).toBe(0);
    expect(byName('Larger Than One Page')!.ImageCount).toBeGreaterThan(100);

    const videos = await imagesOf('Videos');
    const video = (name: string) => videos.find((v) => v.FileName === name)!;
    expect(video('original-kept.mp4')).toMatchObject({
      IsVideo: true,
      Processing: false,
      ArchivedUri: expect.any(String),
    });
    expect(video('transcode-only.mp4').ArchivedUri).toBeUndefined();
    expect(video('transcode-only.mp4').Uris.LargestVideo.Uri).toMatch(/!largestvideo$/);
    expect(video('still-processing.mp4')).toMatchObject({ Processing: true });
    expect(video('still-processing.mp4').ArchivedUri).toBeUndefined();
    expect(video('could-not-process.mp4')).toMatchObject({ SubStatus: 'CanNotProcess' });

    expect((await imagesOf('Hidden Items')).find((i) => i.FileName === 'hidden.jpg')).toMatchObject({ Hidden: true });
  });

  test('a video has a LargestVideo transcode whose MD5 differs from the original', async () => {
    const client = sandboxClient(sandbox);
    const videos = [...sandbox.library.images.values()].filter((i) => i.isVideo && i.original && i.largestVideo);
    expect(videos.length).toBeGreaterThan(0);
    const res = await client.json(`/api/v2/image/${videos[0].imageKey}-0!largestvideo`);
    const largest = res.body.Response.LargestVideo as { Url: string; Size: number; MD5: string };
    expect(largest.MD5).not.toBe(videos[0].original!.md5);
    expect(largest.Size).toBe(videos[0].largestVideo!.size);
  });

  test('Access=Public hides private and unlisted albums, hidden images and the originals; Full shows them', async () => {
    const full = sandboxClient(sandbox, sandbox.credentials.fullRead);
    const pub = sandboxClient(sandbox, sandbox.credentials.publicRead);
    const albumsPath = `/api/v2/user/${sandbox.library.nickname}!albums`;
    const fullNames = (await full.all<Album>(albumsPath)).map((a) => a.Name);
    const publicNames = (await pub.all<Album>(albumsPath)).map((a) => a.Name);
    expect(fullNames).toEqual(expect.arrayContaining(['Private Album', 'Unlisted Album']));
    expect(publicNames).not.toContain('Private Album');
    expect(publicNames).not.toContain('Unlisted Album');

    const hiddenAlbum = [...sandbox.library.albums.values()].find((a) => a.name === 'Hidden Items')!;
    const publicImages = await pub.all<AlbumImage>(`/api/v2/album/${hiddenAlbum.albumKey}!images`);
    expect(publicImages.map((i) => i.FileName)).toEqual(['visible.jpg']);
    expect(publicImages[0].ArchivedUri).toBeUndefined();
    const privateAlbum = [...sandbox.library.albums.values()].find((a) => a.name === 'Private Album')!;
    expect((await pub.json(`/api/v2/album/${privateAlbum.albumKey}`)).status).toBe(404);
  });

  test('_filter, _filteruri, _shorturis and FileNames shape the answer', async () => {
    const client = sandboxClient(sandbox);
    const duplicates = [...sandbox.library.albums.values()].find((a) => a.name === 'Duplicate File Names')!;
    const res = await client.json(
      `/api/v2/album/${duplicates.albumKey}!images?_filter=FileName,ArchivedMD5&_filteruri=Image&_shorturis`,
    );
    const [first] = res.body.Response.AlbumImage as Array<Record<string, unknown>>;
    expect(Object.keys(first).sort()).toEqual(['ArchivedMD5', 'FileName', 'Uri', 'Uris']);
    expect(first.Uris).toEqual({ Image: expect.stringMatching(/^\/api\/v2\/image\//) });

    const punctuation = [...sandbox.library.albums.values()].find((a) => a.name.startsWith('Q&A'))!;
    const named = await client.json(
      `/api/v2/album/${punctuation.albumKey}!images?FileNames=${encodeURIComponent('50% off + more #1?&a=b.jpg')}`,
    );
    expect((named.body.Response.AlbumImage as AlbumImage[]).map((i) => i.FileName)).toEqual([
      '50% off + more #1?&a=b.jpg',
    ]);
  });

  test("every API response carries the rate-limit headers; an unknown object is a 404 in SmugMug's shape", async () => {
    const client = sandboxClient(sandbox);
    const res = await client.json('/api/v2/album/NoSuchAlbum');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ Code: 404, Message: 'Not Found' });
    expect(Number(res.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0);
    expect(Number(res.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });
});

describe('rate limiting per user and app', () => {
  test("past the window's allowance the sandbox answers 429 with Retry-After", async () => {
    const limited = await startPrivateSandbox({ rateLimit: { requests: 3, windowSeconds: 30 } });
    try {
      const client = sandboxClient(limited);
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof client.json>> | undefined;
      for (let i = 0; i < 4; i++) {
        last = await client.json('/api/v2!authuser');
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(last!.headers.get('x-ratelimit-remaining')).toBe('0');
      // Another user's token has its own window.
      expect((await sandboxClient(limited, limited.credentials.fullRead).json('/api/v2!authuser')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});
