import { createHash } from 'node:crypto';
import type { RunningSandbox } from '../smugmug-sandbox/server';
import { sandboxClient, smallLibrary, startPrivateSandbox } from './support/sandbox-client';
import { oauthSigner, signedFetch } from './support/signed-fetch';

/**
 * The sandbox's Uploader and the API writes the way back needs (issue 27), as SmugMug's reference
 * and its users describe them: header-only OAuth, Content-MD5 in base64 or hex, the v1 reply,
 * failures as HTTP 200 with `stat: "fail"`, conversions, a write applied but answered 504;
 * `POST <node>!children` with SmugMug's UrlName rules; PATCH of an image.
 */
let sandbox: RunningSandbox;
let client: ReturnType<typeof sandboxClient>;
beforeAll(async () => {
  sandbox = await startPrivateSandbox({ library: smallLibrary('upload', 'upload-tester') });
  client = sandboxClient(sandbox);
});
afterAll(() => sandbox.close());

type UploadReply = {
  stat: 'ok' | 'fail';
  code?: number;
  message?: string;
  Image?: { ImageUri: string; AlbumImageUri: string };
};
type Image = {
  ImageKey: string;
  FileName: string;
  Format: string;
  Title: string;
  Caption: string;
  KeywordArray: string[];
  Latitude: number | string;
  Longitude: number | string;
  Altitude: number;
  Hidden: boolean;
  ArchivedMD5?: string;
};

const album = () => [...sandbox.library.albums.values()][0];
const md5 = (b: Buffer) => createHash('md5').update(b).digest();
const bytes = (n: number, seed: string) => {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed.charCodeAt(i % seed.length)) & 0xff;
  return out;
};

/** An upload as a client sends one: raw body, OAuth in the header, SmugMug's headers. */
async function upload(
  body: Buffer,
  fileName: string,
  headers: Record<string, string> = {},
  albumKey = album().albumKey,
): Promise<{ status: number; reply: UploadReply | undefined }> {
  const res = await signedFetch(
    oauthSigner(sandbox.credentials.consumerKey, sandbox.credentials.consumerSecret),
    `${sandbox.url}/upload/`,
    sandbox.credentials.fullModify,
    {
      method: 'POST',
      body,
      headers: {
        'Content-Type': 'application/octet-stream',
        'Content-MD5': md5(body).toString('base64'),
        'X-Smug-AlbumUri': `/api/v2/album/${albumKey}`,
        'X-Smug-Version': 'v2',
        'X-Smug-ResponseType': 'JSON',
        'X-Smug-FileName': fileName,
        ...headers,
      },
    },
  );
  const text = await res.text();
  return { status: res.status, reply: text.startsWith('{"stat"') ? (JSON.parse(text) as UploadReply) : undefined };
}

const imageOf = async (imageUri: string) => (await client.json(imageUri)).body.Response.Image as unknown as Image;
const placements = () => album().placements.length;

describe("the sandbox's Uploader", () => {
  test('a photo is kept byte for byte: the v1 reply, ArchivedMD5 equal, keywords from the file name unless given, hex MD5 accepted', async () => {
    const photo = bytes(50_000, 'photo');
    const { status, reply } = await upload(photo, 'Beach_sunset-2019.jpg');
    expect(status).toBe(200);
    expect(reply).toMatchObject({
      stat: 'ok',
      method: 'smugmug.images.upload',
      Image: { ImageUri: expect.stringMatching(/^\/api\/v2\/image\/\w+-0$/), StatusImageReplaceUri: '' },
    });
    const image = await imageOf(reply!.Image!.ImageUri);
    expect(image).toMatchObject({
      FileName: 'Beach_sunset-2019.jpg',
      ArchivedMD5: md5(photo).toString('hex'),
      KeywordArray: ['beach', 'sunset', '2019'],
    });

    const given = await upload(bytes(30_000, 'kw'), 'IMG_0001.JPG', {
      'Content-MD5': md5(bytes(30_000, 'kw')).toString('hex'),
      'X-Smug-Keywords': 'family; summer',
    });
    expect(given.reply?.stat).toBe('ok');
    expect((await imageOf(given.reply!.Image!.ImageUri)).KeywordArray).toEqual(['family', 'summer']);
  });

  test('refused as SmugMug refuses: a wrong digest, OAuth in the query, an unknown album, formats it does not take; nothing applied', async () => {
    const before = placements();
    const wrong = await upload(bytes(20_000, 'x'), 'wrong.jpg', {
      'Content-MD5': md5(Buffer.from('other')).toString('base64'),
    });
    expect([wrong.status, wrong.reply?.stat, wrong.reply?.code]).toEqual([200, 'fail', 5]);
    for (const [name, size, code] of [
      ['P1055113.RW2', 30_000, 6],
      ['scan.bmp', 30_000, 6],
      ['sticker.webp', 30_000, 64],
      ['clip.mp4', 5_000, 72],
      ['clip.mp4', 20_000, 64],
    ] as const) {
      const { status, reply } = await upload(bytes(size, name), name);
      expect({ name, size, status, stat: reply?.stat, code: reply?.code }).toEqual({
        name,
        size,
        status: 200,
        stat: 'fail',
        code,
      });
    }
    const noAlbum = await upload(bytes(20_000, 'a'), 'a.jpg', {}, 'NoSuchAlbum');
    expect(noAlbum.reply).toMatchObject({ stat: 'fail', code: 9 });
    // OAuth signed into the query, as clients that "fail opaquely on every upload" do.
    const signer = oauthSigner(sandbox.credentials.consumerKey, sandbox.credentials.consumerSecret);
    const url = `${sandbox.url}/upload/`;
    const params = signer.authorize(
      { url, method: 'POST' },
      { key: sandbox.credentials.fullModify.token, secret: sandbox.credentials.fullModify.secret },
    );
    const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)] as [string, string]));
    const inQuery = await fetch(`${url}?${query}`, {
      method: 'POST',
      body: bytes(1_000, 'q'),
      headers: {
        'X-Smug-AlbumUri': `/api/v2/album/${album().albumKey}`,
        'X-Smug-Version': 'v2',
        'X-Smug-ResponseType': 'JSON',
      },
    });
    expect(inQuery.status).toBe(401);
    expect(placements()).toBe(before);
  });

  test('HEIC becomes a JPEG of another name and MD5; a video is re-encoded (another MD5, its name kept)', async () => {
    const heic = bytes(60_000, 'heic');
    const converted = await imageOf((await upload(heic, 'IMG_4242.HEIC')).reply!.Image!.ImageUri);
    expect(converted).toMatchObject({ FileName: 'IMG_4242.JPG', Format: 'JPG' });
    expect(converted.ArchivedMD5).not.toBe(md5(heic).toString('hex'));
    const video = bytes(120_000, 'video');
    const reencoded = await imageOf((await upload(video, 'clip.MOV')).reply!.Image!.ImageUri);
    expect(reencoded).toMatchObject({ FileName: 'clip.MOV', Format: 'MP4' });
    expect(reencoded.ArchivedMD5).not.toBe(md5(video).toString('hex'));
  });

  test('faults: an upload applied but answered 504 is in the album all the same; a system error applies nothing', async () => {
    const arm = (rule: Record<string, unknown>) =>
      fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify(rule) });
    await arm({ kind: 'applied-then-504', target: 'upload', pathContains: 'landed.jpg' });
    const before = placements();
    const landed = await upload(bytes(25_000, 'landed'), 'landed.jpg');
    expect(landed.status).toBe(504);
    expect(placements()).toBe(before + 1);
    expect(sandbox.counters().uploads.filter((u) => u.fileName === 'landed.jpg' && u.imageKey)).toHaveLength(1);

    await arm({ kind: 'upload-system-error', target: 'upload', pathContains: 'lost.jpg' });
    const lost = await upload(bytes(25_000, 'lost'), 'lost.jpg');
    expect([lost.status, lost.reply?.stat, lost.reply?.code]).toEqual([200, 'fail', 5]);
    expect(placements()).toBe(before + 1);
  });
});

describe("the sandbox's API writes", () => {
  const root = () => sandbox.library.rootNodeId;
  const create = (parent: string, body: Record<string, unknown>) =>
    client.json(`/api/v2/node/${parent}!children`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'Content-Type': 'application/json' },
    });

  test('folders and albums by POST <node>!children: UrlName rules, 409 for a name taken, at most 5 folders deep', async () => {
    const made = await create(root(), { Type: 'Folder', Name: 'Restored', UrlName: 'Restored', Privacy: 'Private' });
    expect(made.status).toBe(201);
    const folder = made.body.Response.Node as unknown as { NodeID: string; UrlName: string };
    expect((await create(root(), { Type: 'Folder', Name: 'Restored again', UrlName: 'Restored' })).status).toBe(409);
    expect((await create(root(), { Type: 'Folder', Name: 'x', UrlName: 'restored-2' })).status).toBe(400);
    expect((await create(root(), { Type: 'Folder', Name: 'x', UrlName: `A${'b'.repeat(60)}` })).status).toBe(400);
    const albumMade = await create(folder.NodeID, { Type: 'Album', Name: 'Paris 2019', UrlName: 'Paris-2019' });
    expect(albumMade.status).toBe(201);
    const node = sandbox.library.nodes.get((albumMade.body.Response.Node as unknown as { NodeID: string }).NodeID)!;
    expect(sandbox.library.albums.get(node.albumKey!)).toMatchObject({ name: 'Paris 2019', privacy: 'Public' });
    let parent = folder.NodeID;
    for (let depth = 2; depth <= 5; depth++)
      parent = (
        (await create(parent, { Type: 'Folder', Name: `L${depth}` })).body.Response.Node as unknown as {
          NodeID: string;
        }
      ).NodeID;
    expect((await create(parent, { Type: 'Folder', Name: 'L6' })).status).toBe(400);
    expect((await create(parent, { Type: 'Album', Name: 'Deep album' })).status).toBe(201);
  });

  test('PATCH of an image sets title, caption (UTF-8), keywords exactly, GPS and hidden; a negative altitude is refused; applied-then-504 applies', async () => {
    const { reply } = await upload(bytes(20_000, 'patch'), 'to_patch.jpg');
    const uri = reply!.Image!.ImageUri;
    const patch = (body: Record<string, unknown>) =>
      client.json(uri, {
        method: 'PATCH',
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json' },
      });
    const done = await patch({
      Title: '東京タワー',
      Caption: '夜景 — “Tokyo by night”',
      KeywordArray: ['Tokyo, Japan', 'night view'],
      Latitude: 35.6586,
      Longitude: 139.7454,
      Altitude: 333,
      Hidden: true,
    });
    expect(done.status).toBe(200);
    expect(await imageOf(uri)).toMatchObject({
      Title: '東京タワー',
      Caption: '夜景 — “Tokyo by night”',
      KeywordArray: ['Tokyo, Japan', 'night view'],
      Altitude: 333,
      Hidden: true,
    });
    expect((await patch({ Altitude: -5 })).status).toBe(400);
    await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'applied-then-504', target: 'api', pathContains: uri.split('/').pop() }),
    });
    expect((await patch({ Title: 'After the 504' })).status).toBe(504);
    expect((await imageOf(uri)).Title).toBe('After the 504');
  });
});
