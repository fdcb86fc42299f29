import { Readable } from 'node:stream';
import { partReader } from '../../transfer/part-reader';
import type { SmugMugClient, SmugMugResponse } from '../../smugmug/client';
import type { PlanEntry } from '../../state/documents';

const file = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
const entry = { url: 'https://photos.example/original.mp4', size: file.length } as PlanEntry;

/** A SmugMug that serves `file` in 64-byte chunks, honouring ranges or not, and records what was asked. */
function fakeSmugMug(honoursRanges: boolean) {
  const asked: string[] = [];
  const client = {
    async download(_url: string, opts: { from?: number; to?: number }) {
      asked.push(`${opts.from ?? 0}-${opts.to ?? ''}`);
      const bytes = honoursRanges ? file.subarray(opts.from ?? 0, (opts.to ?? file.length - 1) + 1) : file;
      const chunks = Array.from({ length: Math.ceil(bytes.length / 64) }, (_, i) =>
        bytes.subarray(i * 64, i * 64 + 64),
      );
      return { statusCode: honoursRanges ? 206 : 200, body: Readable.from(chunks) } as unknown as SmugMugResponse;
    },
  };
  return { client: client as unknown as SmugMugClient, asked };
}

/** Reads every part from `start`, two at once as the transfer's slots do, and puts them back together. */
async function readAll(smugmug: SmugMugClient, start: number, partSize: number): Promise<Buffer> {
  const read = await partReader(smugmug, entry, { start, size: partSize }, new AbortController().signal);
  const starts = [];
  for (let s = start; s < file.length; s += partSize) starts.push(s);
  const parts = await Promise.all(
    starts.map(async (s) => {
      const into = Buffer.alloc(Math.min(partSize, file.length - s));
      expect(await read(s, into)).toBe(into.length);
      return into;
    }),
  );
  return Buffer.concat(parts);
}

describe('reading a large file in parts', () => {
  test('where ranges are honoured, each part is a range of its own, resuming at a part boundary', async () => {
    const { client, asked } = fakeSmugMug(true);
    expect((await readAll(client, 300, 300)).equals(file.subarray(300))).toBe(true);
    expect(asked).toEqual(['300-599', '600-899', '900-999']);
  });

  test('where they are not, the parts are cut in order from the one whole answer', async () => {
    const { client, asked } = fakeSmugMug(false);
    expect((await readAll(client, 0, 300)).equals(file)).toBe(true);
    expect(asked).toEqual(['0-299']);
  });

  test('a range answered with more bytes than asked is refused', async () => {
    const { client } = fakeSmugMug(true);
    const longer = {
      download: async (url: string, opts: { from?: number; to?: number }) =>
        client.download(url, { ...opts, to: (opts.to ?? 0) + 10 }),
    } as unknown as SmugMugClient;
    const read = await partReader(longer, entry, { start: 0, size: 300 }, new AbortController().signal);
    await expect(read(0, Buffer.alloc(300))).rejects.toThrow('more than the 300 bytes');
  });
});
