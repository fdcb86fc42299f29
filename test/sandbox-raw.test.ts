import { createHash } from 'node:crypto';
import type { RunningSandbox } from '../smugmug-sandbox/server';
import { SmugMugClient } from '../smugmug/client';
import { SmugMugSettings } from '../smugmug/credentials';
import { mayHaveOtherComponents } from '../smugmug/schemas';
import { sandboxClient, startPrivateSandbox } from './support/sandbox-client';

/**
 * SmugMug Source's RAW files as the sandbox serves them (components of an image's library asset),
 * read by the service's own SmugMug client: what a RAW migration stands on (issue 23).
 */
describe('RAW components in the sandbox, through the service client', () => {
  let sandbox: RunningSandbox;
  let client: SmugMugClient;
  beforeAll(async () => {
    sandbox = await startPrivateSandbox({
      library: {
        seed: 'raw',
        albums: 2,
        folders: 1,
        photosPerAlbum: 3,
        videos: 1,
        trickyCases: false,
        rawComponents: 3,
      },
    });
    const c = sandbox.credentials;
    client = new SmugMugClient(
      SmugMugSettings.parse({
        SMUGMUG_API_BASE_URL: sandbox.url,
        SMUGMUG_API_KEY: c.consumerKey,
        SMUGMUG_API_SECRET: c.consumerSecret,
        SMUGMUG_ACCESS_TOKEN: c.fullModify.token,
        SMUGMUG_ACCESS_TOKEN_SECRET: c.fullModify.secret,
      }),
    );
  });
  afterAll(() => sandbox.close());

  test('three photos carry a RAW: their file types say so, and their components are TIFF-based RAWs with the listed size and MD5', async () => {
    const withRaw = [];
    for (const album of sandbox.library.albums.values())
      for await (const page of client.albumImages(album.albumKey))
        for (const image of page) if (mayHaveOtherComponents(image)) withRaw.push(image);
    expect(withRaw).toHaveLength(3);
    expect(withRaw.map((i) => i.ImageKey).sort()).toEqual(
      [...sandbox.library.images.values()]
        .filter((i) => i.raw)
        .map((i) => i.imageKey)
        .sort(),
    );
    for (const image of withRaw) {
      const components = await client.assetComponents(image.ImageKey);
      expect(components).toEqual([
        expect.objectContaining({
          ComponentType: 'svi',
          Extension: 'RW2',
          FileName: image.FileName.replace(/\.JPG$/, '.rw2'),
        }),
      ]);
      const [raw] = components;
      const res = await client.download(raw.DownloadUrl!);
      const bytes = Buffer.from(await res.body.arrayBuffer());
      expect(bytes.length).toBe(raw.FileSize);
      expect(bytes.length).toBeGreaterThanOrEqual(200_000);
      expect(createHash('md5').update(bytes).digest('hex')).toBe(raw.MD5);
      expect(bytes.subarray(0, 4)).toEqual(Buffer.from('II*\0', 'latin1'));
      // A range of it, as a resumed download asks.
      const part = Buffer.from(
        await (await client.download(raw.DownloadUrl!, { from: 1000, to: 1999 })).body.arrayBuffer(),
      );
      expect(part).toEqual(bytes.subarray(1000, 2000));
    }
  });

  test('a photo without a RAW, and a video, are not asked for components; a public token sees none', async () => {
    const plain = [...sandbox.library.images.values()].find((i) => !i.raw && !i.isVideo)!;
    expect(await client.assetComponents(plain.imageKey)).toEqual([]);
    expect(mayHaveOtherComponents({ ComponentFileTypes: { Image: ['jpg'] }, Format: 'JPG', IsVideo: false })).toBe(
      false,
    );
    expect(mayHaveOtherComponents({ ComponentFileTypes: { Video: ['mp4'] }, Format: 'MP4', IsVideo: true })).toBe(
      false,
    );
    expect(
      mayHaveOtherComponents({ ComponentFileTypes: { Image: ['jpg', 'cr3'] }, Format: 'JPG', IsVideo: false }),
    ).toBe(true);
    expect(mayHaveOtherComponents({ Format: 'JPG', IsVideo: false })).toBe(false);
    const withRaw = [...sandbox.library.images.values()].find((i) => i.raw)!;
    const publicView = sandboxClient(sandbox, sandbox.credentials.publicRead);
    const { body } = await publicView.json(`/api/v2/library/asset/${withRaw.imageKey}!components`);
    expect(body.Response.Component).toBeUndefined();
  });
});
