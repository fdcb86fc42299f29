import {
  CreateBucketCommand,
  GetObjectCommand,
  GetPublicAccessBlockCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import type { RestoreDetails, SmugMugRestoreDetails } from '../service/records';
import type { AlbumManifest } from '../state/documents';
import { TEST_API_TOKEN } from './support/api-harness';
import { launchChromium, seriousViolations, signedInContext } from './support/browser';
import { listKeys, md5Of } from './support/migration-harness';
import { startMotoTestbed } from './support/moto';
import { sandboxClient } from './support/sandbox-client';

/**
 * Getting files back out of DEEP_ARCHIVE, against moto (which refuses to read an archived object
 * until it is restored, and whose state manager holds a restore ongoing as long as the test says):
 * each file requested once, a second restore requesting nothing, the wait surviving a worker
 * restart, then downloads and a share of the restored album.
 */
describe('a restore out of DEEP_ARCHIVE', () => {
  let testbed: Awaited<ReturnType<typeof startMotoTestbed>>;
  let webhook: Server;
  const hooks: Array<Record<string, unknown>> = [];
  let browser: Browser;

  beforeAll(async () => {
    webhook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        hooks.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => webhook.listen(0, '127.0.0.1', r));
    testbed = await startMotoTestbed(
      'restore',
      {
        library: {
          seed: 'restore',
          nickname: `restore-${randomUUID().slice(0, 6)}`,
          albums: 2,
          folders: 1,
          photosPerAlbum: 3,
          videos: 1,
          trickyCases: false,
        },
      },
      { AUDIT_WEBHOOK_URL: `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook` },
    );
    browser = await launchChromium();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await testbed?.close();
    webhook?.close();
  });

  /** How long moto holds a restore ongoing after it is first looked at: long enough for the checks below. */
  const ONGOING_SECONDS = 30;

  test('requested once per file, a second restore requests nothing, survives a worker restart, completes when moto makes them readable; then downloads and a share work', async () => {
    const s3 = testbed.moto.s3;
    const bucket = `cold-${randomUUID().slice(0, 8)}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const blockAll = {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    };
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: bucket, PublicAccessBlockConfiguration: blockAll }));

    const started = await testbed.api.call('POST', '/v1/migrations', {
      account: testbed.sandbox.library.nickname,
      target: { bucket, prefix: 'cold', storageClass: 'DEEP_ARCHIVE' },
      verification: { deep: 'all' },
    });
    expect(started.status).toBe(202);
    await testbed.api.waitFor(started.body.id, (s) => s.status !== 'RUNNING', 180_000);
    const migratedAt = Date.now();
    const manifestKey = [...(await listKeys(s3, bucket, 'cold/')).keys()].find((k) => k.endsWith('/album.json'))!;
    const manifest = JSON.parse(
      await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: manifestKey }))).Body!.transformToString(),
    ) as AlbumManifest;
    const { albumKey } = manifest.album;
    const originals = manifest.images.map((i) => i.s3Key).sort();
    expect(manifest.images.every((i) => i.storageClass === 'DEEP_ARCHIVE')).toBe(true);
    const archive = { bucket, prefix: 'cold' };

    // Archived originals are not shared until restored.
    const tooEarly = await testbed.api.call('POST', '/v1/shares', { ...archive, albums: [{ albumKey }] });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body.error.message).toContain('Glacier Deep Archive and not restored');

    // The quote: DEEP_ARCHIVE allows Standard and Bulk, with their cost and wait; Expedited is refused.
    const quote = await testbed.api.call('POST', '/v1/archive-restores/quote', { ...archive, albums: [{ albumKey }] });
    expect(quote.status).toBe(200);
    expect(quote.body).toMatchObject({
      files: originals.length,
      archived: { files: originals.length, classes: ['DEEP_ARCHIVE'] },
      readableNow: 0,
    });
    expect(quote.body.tiers.map((t: { tier: string }) => t.tier)).toEqual(['Standard', 'Bulk']);
    expect(quote.body.tiers[0].wait).toBe('within 12 h');
    // The same in the app: the tiers with their wait and cost, before anything starts.
    const owner = await signedInContext(
      browser,
      testbed.api.url,
      TEST_API_TOKEN,
      `/app/archive/restore?bucket=${bucket}&prefix=cold&album=${albumKey}`,
    );
    expect(await owner.page.locator('fieldset').textContent()).toMatch(
      /Standard: ready within 12 h, about \$[\d.]+ \(us-east-1\).*Bulk: ready within 48 h/,
    );
    expect(await seriousViolations(owner.page)).toEqual([]);
    const expedited = await testbed.api.call('POST', '/v1/archive-restores', {
      ...archive,
      albums: [{ albumKey }],
      tier: 'Expedited',
    });
    expect(expedited.status).toBe(409);
    expect(await testbed.moto.restoresRequested(bucket)).toEqual([]);

    // moto holds each restore ongoing ONGOING_SECONDS after it is first looked at (counted from the
    // object's writing for the first step: so the objects must be at least that old first).
    await testbed.moto.setRestoreProgression({ progression: 'time', seconds: 8 });
    await new Promise((r) => setTimeout(r, Math.max(0, migratedAt + ONGOING_SECONDS * 1000 + 1000 - Date.now())));

    const request = { ...archive, albums: [{ albumKey }], tier: 'Bulk', days: 2, checkEvery: '1s' };
    const first = await testbed.api.call('POST', '/v1/archive-restores', request);
    expect(first.status).toBe(202);
    const restoreOf = async (id: string): Promise<RestoreDetails> =>
      (await testbed.api.call('GET', `/v1/archive-restores/${id}`)).body;
    const waitFor = async (id: string, done: (r: RestoreDetails) => boolean, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const r = await restoreOf(id);
        if (done(r)) return r;
        if (Date.now() > deadline) throw new Error(`Timed out waiting on ${id}: ${JSON.stringify(r)}`);
        await new Promise((res) => setTimeout(res, 300));
      }
    };
    const requested = await waitFor(first.body.id, (r) => r.progress?.albums[0]?.requested === originals.length);
    expect(requested.progress!.albums[0]).toMatchObject({
      files: originals.length,
      available: 0,
      ongoing: originals.length,
    });
    expect((await testbed.moto.restoresRequested(bucket)).sort()).toEqual(originals);

    // A second restore of the same album while the first is under way requests nothing.
    const second = await testbed.api.call('POST', '/v1/archive-restores', request);
    expect(second.status).toBe(202);
    const secondSeen = await waitFor(second.body.id, (r) => r.progress?.albums[0]?.files === originals.length);
    expect(secondSeen.progress!.albums[0]).toMatchObject({ requested: 0, ongoing: originals.length, available: 0 });

    // The worker restarts while both wait; they go on waiting, still requesting nothing more.
    await testbed.harness.restartWorker();
    const checkedBefore = (await restoreOf(first.body.id)).progress?.checkedAt;
    await waitFor(first.body.id, (r) => r.progress?.checkedAt !== undefined && r.progress.checkedAt !== checkedBefore);
    expect((await restoreOf(first.body.id)).phase).toBe('restoring');

    // moto makes them readable: both restores complete, each file requested once in all.
    await testbed.moto.setRestoreProgression({ progression: 'immediate' });
    for (const id of [first.body.id, second.body.id]) {
      // The query may answer 'ready' a moment before the run closes.
      const ready = await waitFor(id, (r) => r.phase === 'ready' && r.status !== 'RUNNING');
      expect(ready.status).toBe('COMPLETED');
      expect(ready.progress!.albums[0]).toMatchObject({
        files: originals.length,
        available: originals.length,
        ongoing: 0,
      });
      expect(ready.progress!.albums[0].expiresAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    expect((await testbed.moto.restoresRequested(bucket)).sort()).toEqual(originals);
    // The app says so, with when the restored copies expire.
    await owner.page.goto(`${testbed.api.url}/app/archive/restores/${first.body.id}`);
    expect(await owner.page.locator('#restore-phase').textContent()).toMatch(/^ready: download or share them now/);
    expect(await owner.page.locator('#restore-albums tbody td').allTextContents()).toEqual([
      `${originals.length} of ${originals.length}`,
      '0',
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/),
    ]);
    expect(await seriousViolations(owner.page)).toEqual([]);
    await owner.context.close();
    // The operator's webhook heard of each.
    expect(
      hooks
        .filter((h) => h.event === 'restore.ready')
        .map((h) => h.restoreId)
        .sort(),
    ).toEqual([first.body.restoreId, second.body.restoreId].sort());

    // Now shareable: a stranger downloads an original whose MD5 is SmugMug's.
    const share = await testbed.api.call('POST', '/v1/shares', {
      ...archive,
      albums: [{ albumKey }],
      expiresInSeconds: 600,
    });
    expect(share.status).toBe(201);
    const stranger = await browser.newContext();
    try {
      const page = await stranger.newPage();
      await page.goto(`${testbed.api.url}${share.body.path}`);
      const photo = manifest.images.find((i) => !i.isVideo)!;
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: `Download ${photo.fileName}` }).click(),
      ]);
      expect(md5Of(await readFile((await download.path())!))).toBe(photo.md5);
    } finally {
      await stranger.close();
    }
    // The bucket's public access block stayed on through all of it.
    const block = await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }));
    expect(block.PublicAccessBlockConfiguration).toEqual(blockAll);
  }, 300_000);

  test('back to SmugMug from DEEP_ARCHIVE: S3 restores the originals first, the workflow waits, then uploads them; each photo arrives identical', async () => {
    const s3 = testbed.moto.s3;
    const bucket = `cold-back-${randomUUID().slice(0, 8)}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const account = testbed.sandbox.library.nickname;
    const started = await testbed.api.call('POST', '/v1/migrations', {
      account,
      migrationId: 'way-back',
      target: { bucket, prefix: 'cold', storageClass: 'DEEP_ARCHIVE' },
      verification: { deep: 'all' },
    });
    expect(started.status).toBe(202);
    await testbed.api.waitFor(started.body.id, (s) => s.status !== 'RUNNING', 180_000);
    const manifestKey = [...(await listKeys(s3, bucket, 'cold/')).keys()].find((k) => k.endsWith('/album.json'))!;
    const manifest = JSON.parse(
      await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: manifestKey }))).Body!.transformToString(),
    ) as AlbumManifest;
    const { albumKey, name } = manifest.album;

    // The album is deleted on SmugMug; its originals are in DEEP_ARCHIVE, which S3 (moto) restores in 8 s.
    await testbed.moto.setRestoreProgression({ progression: 'time', seconds: 8 });
    const deleted = await sandboxClient(testbed.sandbox).json(`/api/v2/album/${albumKey}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    const uploadsBefore = testbed.sandbox.counters().uploads.length;

    const restore = await testbed.api.call('POST', '/v1/restores', {
      bucket,
      prefix: 'cold',
      account,
      albums: [{ albumKey }],
      checkEvery: '2s',
    });
    expect(restore.status).toBe(202);
    const id = (restore.body as SmugMugRestoreDetails).id;
    // While S3 restores, nothing is uploaded.
    while ((await testbed.moto.restoresRequested(bucket)).length < manifest.images.length)
      await new Promise((r) => setTimeout(r, 300));
    expect(testbed.sandbox.counters().uploads.length).toBe(uploadsBefore);
    let done: SmugMugRestoreDetails;
    for (;;) {
      done = (await testbed.api.call('GET', `/v1/restores/${id}`)).body as SmugMugRestoreDetails;
      if (done.status !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(done.phase).toBe('completed');
    expect(done.progress!.done[0]).toMatchObject({ thawed: manifest.images.length, ok: true });
    expect((await testbed.moto.restoresRequested(bucket)).sort()).toEqual(manifest.images.map((i) => i.s3Key).sort());
    const back = [...testbed.sandbox.library.albums.values()].filter((a) => a.name === name);
    expect(back).toHaveLength(1);
    const images = back[0].placements.map((p) => testbed.sandbox.library.images.get(p.imageKey)!);
    for (const photo of manifest.images.filter((i) => !i.isVideo))
      expect(images.find((i) => i.fileName === photo.fileName)!.original!.md5).toBe(photo.md5);
    expect(images).toHaveLength(manifest.images.length);
  }, 300_000);
});
