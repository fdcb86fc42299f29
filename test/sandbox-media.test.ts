import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import jpeg from 'jpeg-js';
import type { SandboxImage } from '../smugmug-sandbox/library';
import type { RunningSandbox } from '../smugmug-sandbox/server';
import { sandboxClient, startPrivateSandbox } from './support/sandbox-client';

type AlbumImage = {
  ImageKey: string;
  FileName: string;
  ArchivedUri?: string;
  ArchivedSize?: number;
  ArchivedMD5?: string;
  Uri: string;
  Uris: Record<string, { Uri: string }>;
};

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startPrivateSandbox();
});
afterAll(() => sandbox.close());
afterEach(() => sandbox.faults.clear());

// A collection on demand, so the memory test measures what is held, not what the collector has
// not reached yet (RSS alone failed on a busy CI machine although nothing was buffered).
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;
const heldBytes = () => {
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
};

const md5 = (buf: Buffer) => createHash('md5').update(buf).digest('hex');

async function imagesOf(albumName: string): Promise<AlbumImage[]> {
  const album = [...sandbox.library.albums.values()].find((a) => a.name === albumName)!;
  return sandboxClient(sandbox).all<AlbumImage>(`/api/v2/album/${album.albumKey}!images`);
}

/** The top-level boxes of an MP4 file: every byte must belong to exactly one box. */
function mp4Boxes(buf: Buffer): string[] {
  const boxes: string[] = [];
  for (let at = 0; at < buf.length;) {
    let size = buf.readUInt32BE(at);
    if (size === 1) size = Number(buf.readBigUInt64BE(at + 8));
    if (size < 8 || at + size > buf.length) throw new Error(`bad box at ${at}`);
    boxes.push(buf.toString('latin1', at + 4, at + 8));
    at += size;
  }
  return boxes;
}

describe('SmugMug sandbox originals', () => {
  test('every photo of an album downloads with ArchivedSize bytes whose MD5 is ArchivedMD5, and decodes as a JPEG', async () => {
    const client = sandboxClient(sandbox);
    const images = await imagesOf('Duplicate File Names');
    for (const image of images) {
      const res = await client.fetch(image.ArchivedUri!);
      expect(res.status).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      expect(Number(res.headers.get('content-length'))).toBe(image.ArchivedSize);
      expect(body.length).toBe(image.ArchivedSize);
      expect(md5(body)).toBe(image.ArchivedMD5);
      const decoded = jpeg.decode(body, { maxMemoryUsageInMB: 64 });
      expect([decoded.width, decoded.height]).toEqual([96, 64]);
    }
  });

  test('videos are real MP4 containers; a transcode-only video downloads from LargestVideo with its own MD5', async () => {
    const client = sandboxClient(sandbox);
    const videos = await imagesOf('Videos');
    const original = videos.find((v) => v.FileName === 'original-kept.mp4')!;
    const body = Buffer.from(await (await client.fetch(original.ArchivedUri!)).arrayBuffer());
    expect(md5(body)).toBe(original.ArchivedMD5);
    expect(mp4Boxes(body)).toEqual(['ftyp', 'moov', 'mdat']);

    const transcodeOnly = videos.find((v) => v.FileName === 'transcode-only.mp4')!;
    const largest = (await client.json(transcodeOnly.Uris.LargestVideo.Uri)).body.Response.LargestVideo as {
      Url: string;
      Size: number;
      MD5: string;
    };
    const transcode = Buffer.from(await (await client.fetch(largest.Url)).arrayBuffer());
    expect(transcode.length).toBe(largest.Size);
    expect(md5(transcode)).toBe(largest.MD5);
    expect(mp4Boxes(transcode)).toEqual(['ftyp', 'moov', 'mdat']);
  });

  test('single Range requests answer 206 with Content-Range; an unsatisfiable one 416', async () => {
    const client = sandboxClient(sandbox);
    const [image] = await imagesOf('Hidden Items');
    const whole = Buffer.from(await (await client.fetch(image.ArchivedUri!)).arrayBuffer());
    const size = image.ArchivedSize!;

    const middle = await client.fetch(image.ArchivedUri!, { headers: { Range: 'bytes=100-1099' } });
    expect(middle.status).toBe(206);
    expect(middle.headers.get('content-range')).toBe(`bytes 100-1099/${size}`);
    expect(Buffer.from(await middle.arrayBuffer()).equals(whole.subarray(100, 1100))).toBe(true);

    const tail = await client.fetch(image.ArchivedUri!, { headers: { Range: `bytes=${size - 10}-` } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(whole.subarray(size - 10))).toBe(true);
    const suffix = await client.fetch(image.ArchivedUri!, { headers: { Range: 'bytes=-5' } });
    expect(Buffer.from(await suffix.arrayBuffer()).equals(whole.subarray(size - 5))).toBe(true);

    const beyond = await client.fetch(image.ArchivedUri!, { headers: { Range: `bytes=${size}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${size}`);
    await beyond.arrayBuffer();
  });

  test('media requests must be signed; a wrong URL token is a 404', async () => {
    const [image] = await imagesOf('Hidden Items');
    const unsigned = await fetch(image.ArchivedUri!);
    expect(unsigned.status).toBe(401);
    await unsigned.arrayBuffer();
    const guessed = await sandboxClient(sandbox).fetch(image.ArchivedUri!.replace(/\/[a-z0-9]+\/D\//, '/guessed1/D/'));
    expect(guessed.status).toBe(404);
    await guessed.arrayBuffer();
  });

  test('counters report requests and bytes served per image', async () => {
    const client = sandboxClient(sandbox);
    const [image] = await imagesOf('Collected Into');
    const before = (await (await fetch(`${sandbox.url}/__sandbox/counters`)).json()) as {
      bytesServedByImage: Record<string, number>;
    };
    await (await client.fetch(image.ArchivedUri!)).arrayBuffer();
    await (await client.fetch(image.ArchivedUri!, { headers: { Range: 'bytes=0-99' } })).arrayBuffer();
    const after = (await (await fetch(`${sandbox.url}/__sandbox/counters`)).json()) as {
      bytesServedByImage: Record<string, number>;
      mediaRequestsByImage: Record<string, number>;
    };
    expect((after.bytesServedByImage[image.ImageKey] ?? 0) - (before.bytesServedByImage[image.ImageKey] ?? 0)).toBe(
      image.ArchivedSize! + 100,
    );
    expect(after.mediaRequestsByImage[image.ImageKey]).toBeGreaterThanOrEqual(2);
  });
});

describe('SmugMug sandbox faults', () => {
  const arm = async (rule: object) => {
    const res = await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'POST', body: JSON.stringify(rule) });
    expect(res.status).toBe(200);
  };

  test('an invalid fault rule is refused with the reason', async () => {
    const res = await fetch(`${sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'explode' }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { Message: string }).Message).toMatch(/kind/);
  });

  test('rate-limit fires the asked number of times with Retry-After and X-RateLimit headers, then clears', async () => {
    const client = sandboxClient(sandbox);
    await arm({ kind: 'rate-limit', target: 'api', times: 2, retryAfterSeconds: 7 });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await client.json('/api/v2!authuser');
      statuses.push(res.status);
      if (res.status === 429) {
        expect(res.headers.get('retry-after')).toBe('7');
        expect(res.headers.get('x-ratelimit-remaining')).toBe('0');
        expect(res.body).toMatchObject({ Code: 429 });
      }
    }
    expect(statuses).toEqual([429, 429, 200]);
  });

  test('server-error, html-error and a spurious not-found on one path only', async () => {
    const client = sandboxClient(sandbox);
    const big = [...sandbox.library.albums.values()].find((a) => a.name === 'Larger Than One Page')!;
    await arm([
      { kind: 'server-error', status: 502, pathContains: '!authuser' },
      { kind: 'html-error', status: 503, pathContains: '!authuser' },
      { kind: 'not-found', pathContains: big.albumKey },
    ]);
    const e1 = await client.fetch('/api/v2!authuser');
    expect(e1.status).toBe(502);
    expect(await e1.json()).toMatchObject({ Code: 502 });
    const e2 = await client.fetch('/api/v2!authuser');
    expect(e2.status).toBe(503);
    expect(e2.headers.get('content-type')).toMatch(/text\/html/);
    expect(await e2.text()).toMatch(/^<html>/);
    expect((await client.json(`/api/v2/album/${big.albumKey}!images?start=101`)).status).toBe(404);
    expect((await client.json(`/api/v2/album/${big.albumKey}!images?start=101`)).status).toBe(200);
  });

  test('reset cuts the connection mid-body; the client sees an error, not a short file', async () => {
    const client = sandboxClient(sandbox);
    const [image] = await imagesOf('Collected Source');
    await arm({ kind: 'reset', target: 'media', pathContains: image.ImageKey, afterBytes: 1000 });
    const res = await client.fetch(image.ArchivedUri!);
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
  });

  test('truncate ends the body cleanly but short and without Content-Length: only the size shows it', async () => {
    const client = sandboxClient(sandbox);
    const [image] = await imagesOf('Collected Source');
    await arm({ kind: 'truncate', target: 'media', pathContains: image.ImageKey, afterBytes: 1234 });
    const res = await client.fetch(image.ArchivedUri!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBeNull();
    expect((await res.arrayBuffer()).byteLength).toBe(1234);
  });

  test('corrupt sends the right number of bytes with one changed: only the MD5 shows it', async () => {
    const client = sandboxClient(sandbox);
    const [image] = await imagesOf('Collected Source');
    await arm({ kind: 'corrupt', target: 'media', pathContains: image.ImageKey });
    const body = Buffer.from(await (await client.fetch(image.ArchivedUri!)).arrayBuffer());
    expect(body.length).toBe(image.ArchivedSize);
    expect(md5(body)).not.toBe(image.ArchivedMD5);
    const again = Buffer.from(await (await client.fetch(image.ArchivedUri!)).arrayBuffer());
    expect(md5(again)).toBe(image.ArchivedMD5);
    const counters = (await (await fetch(`${sandbox.url}/__sandbox/counters`)).json()) as {
      faultsFired: Record<string, number>;
    };
    expect(counters.faultsFired.corrupt).toBe(1);
  });
});

describe('SmugMug sandbox deletion', () => {
  test('deleting needs Modify; removing a collected copy keeps the original; deleting again is a 404; counters record it', async () => {
    const modify = sandboxClient(sandbox);
    const read = sandboxClient(sandbox, sandbox.credentials.fullRead);
    const source = [...sandbox.library.albums.values()].find((a) => a.name === 'Collected Source')!;
    const into = [...sandbox.library.albums.values()].find((a) => a.name === 'Collected Into')!;
    const shared: SandboxImage = sandbox.library.images.get(source.placements[0].imageKey)!;
    const collectedUri = `/api/v2/album/${into.albumKey}/image/${shared.imageKey}-0`;

    const refused = await read.json(collectedUri, { method: 'DELETE' });
    expect(refused.status).toBe(401);
    expect(refused.body.Message).toMatch(/not granted the required permissions/);

    expect((await modify.json(collectedUri, { method: 'DELETE' })).status).toBe(200);
    expect((await modify.json(collectedUri)).status).toBe(404);
    expect((await modify.json(`/api/v2/album/${source.albumKey}/image/${shared.imageKey}-0`)).status).toBe(200);

    const imageUri = `/api/v2/image/${shared.imageKey}-0`;
    expect((await modify.json(imageUri, { method: 'DELETE' })).status).toBe(200);
    expect((await modify.json(imageUri, { method: 'DELETE' })).status).toBe(404);
    expect((await modify.json(`/api/v2/album/${source.albumKey}!images`)).body.Response).not.toHaveProperty(
      'AlbumImage',
    );

    const counters = (await (await fetch(`${sandbox.url}/__sandbox/counters`)).json()) as {
      deletions: Array<{ imageKey: string; albumKey?: string }>;
    };
    expect(counters.deletions).toEqual([
      expect.objectContaining({ imageKey: shared.imageKey, albumKey: into.albumKey }),
      expect.objectContaining({ imageKey: shared.imageKey }),
    ]);
  });
});

describe('large files', () => {
  test('a 256 MB video streams with Range support and without being held in memory', async () => {
    const big = await startPrivateSandbox({
      library: {
        seed: 'large-file',
        albums: 1,
        folders: 0,
        photosPerAlbum: 0,
        videos: 1,
        videoBytes: { min: 256 * 2 ** 20, max: 256 * 2 ** 20 },
        trickyCases: false,
      },
    });
    try {
      const video = [...big.library.images.values()][0];
      const client = sandboxClient(big);
      const album = [...big.library.albums.values()][0];
      const [listed] = await client.all<AlbumImage>(`/api/v2/album/${album.albumKey}!images`);
      collectGarbage();
      const heldBefore = heldBytes();
      let peak = heldBefore;
      const hash = createHash('md5');
      let bytes = 0;
      let sinceCollection = 0;
      const res = await client.fetch(listed.ArchivedUri!);
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        bytes += chunk.length;
        sinceCollection += chunk.length;
        if (sinceCollection >= 32 * 2 ** 20) {
          collectGarbage();
          peak = Math.max(peak, heldBytes());
          sinceCollection = 0;
        }
      }
      expect(bytes).toBe(video.original!.size);
      expect(hash.digest('hex')).toBe(video.original!.md5);
      // Serving and reading happen in this process: buffering the file would hold its 256 MB.
      expect(peak - heldBefore).toBeLessThan(64 * 2 ** 20);
      const end = await client.fetch(listed.ArchivedUri!, {
        headers: { Range: `bytes=${video.original!.size - 16}-` },
      });
      expect((await end.arrayBuffer()).byteLength).toBe(16);
    } finally {
      await big.close();
    }
  });
});
