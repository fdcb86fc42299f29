import { temporal } from '@temporalio/proto';
import { migrationHistories, payloadsOf } from '../bench/history-stats';
import { startApiTestbed } from './support/api-harness';
import { createTestBucket } from './support/migration-harness';

type History = temporal.api.history.v1.IHistory;

describe('workflow data in Temporal', () => {
  test('is ciphertext in the raw history: no credential, file name, caption or keyword in plain text; the codec endpoint decodes it', async () => {
    const testbed = await startApiTestbed({
      library: { seed: 'encrypted', nickname: 'codec-tester', albums: 2, folders: 1, photosPerAlbum: 4, videos: 1 },
    });
    const { sandbox, harness, api } = testbed;
    try {
      // One photo corrupted on every try of a first attempt: the activity fails with a message naming
      // the file, and Temporal keeps that failure in the history of the attempt that follows.
      const photo = [...sandbox.library.images.values()].find((i) => i.original && !i.isVideo)!;
      await fetch(`${sandbox.url}/__sandbox/faults`, {
        method: 'POST',
        body: JSON.stringify({ kind: 'corrupt', target: 'media', pathContains: photo.imageKey, times: 3 }),
      });
      const bucket = await createTestBucket(harness.s3, 'codec');
      const handle = await harness.start({ migrationId: 'codec', target: { bucket } });
      await handle.result();
      expect(sandbox.counters().faultsFired.corrupt).toBe(3);

      // The raw histories, as anyone reading Temporal's database or API without the key sees them.
      const histories: History[] = [];
      for await (const { history } of migrationHistories(harness.client, handle.workflowId)) histories.push(history);
      expect(histories.length).toBeGreaterThan(3);
      const bytes = Buffer.concat(histories.map((h) => temporal.api.history.v1.History.encode(h).finish()));

      const images = [...sandbox.library.images.values()];
      const secrets = [
        sandbox.credentials.fullModify.token,
        sandbox.credentials.fullModify.secret,
        sandbox.credentials.consumerSecret,
        process.env.AWS_SECRET_ACCESS_KEY!,
      ];
      const privateTexts = [
        ...new Set([
          ...images.map((i) => i.fileName),
          ...images.map((i) => i.caption),
          ...images.flatMap((i) => i.keywords).filter((k) => k.length >= 5),
          ...[...sandbox.library.albums.values()].map((a) => a.name).filter((n) => n.length >= 5),
        ]),
      ];
      for (const text of [...secrets, ...privateTexts]) {
        expect({ text, inHistory: bytes.includes(Buffer.from(text)) }).toEqual({ text, inHistory: false });
      }
      // Every payload is encrypted but search attributes, which hold the account nickname and statuses only.
      const payloads = histories.flatMap(payloadsOf);
      // Search attributes stay plain for visibility, and so do the SDK's patch markers (the names of code changes, no data).
      const plain = payloads.filter(
        (p) =>
          Buffer.from(p.payload.metadata?.encoding ?? []).toString() !== 'binary/encrypted' &&
          !/searchAttributes|patch-data/.test(p.path),
      );
      expect(plain.map((p) => p.path)).toEqual([]);
      expect(payloads.length).toBeGreaterThan(50);

      // Through the codec endpoint, with the token, the same payloads read as JSON again: album names included.
      const wire = payloads
        .filter((p) => !/searchAttributes/.test(p.path))
        .map(({ payload }) => ({
          metadata: Object.fromEntries(
            Object.entries(payload.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(payload.data!).toString('base64'),
        }));
      expect((await api.call('POST', '/codec/decode', { payloads: wire.slice(0, 1) }, null)).status).toBe(401);
      const decoded = await api.call('POST', '/codec/decode', { payloads: wire });
      expect(decoded.status).toBe(200);
      const texts = (decoded.body.payloads as Array<{ metadata: { encoding: string }; data: string }>).map((p) =>
        Buffer.from(p.data, 'base64').toString(),
      );
      expect(
        decoded.body.payloads.every(
          (p: { metadata: { encoding: string } }) =>
            Buffer.from(p.metadata.encoding, 'base64').toString() !== 'binary/encrypted',
        ),
      ).toBe(true);
      for (const album of sandbox.library.albums.values())
        expect(texts.some((t) => t.includes(JSON.stringify(album.name).slice(1, -1)))).toBe(true);

      // The Temporal UI's origin may call it from a browser; another origin may not.
      const preflight = (origin: string) =>
        fetch(`${api.url}/codec/decode`, {
          method: 'OPTIONS',
          headers: {
            Origin: origin,
            'Access-Control-Request-Method': 'POST',
            'Access-Control-Request-Headers': 'authorization,content-type,x-namespace',
          },
        });
      const uiOrigin = new URL(api.config.TEMPORAL_UI_URL).origin;
      expect((await preflight(uiOrigin)).headers.get('access-control-allow-origin')).toBe(uiOrigin);
      expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).not.toBe(
        'https://evil.example',
      );
    } finally {
      await testbed.close();
    }
  }, 180_000);
});
