import { randomUUID } from 'node:crypto';
import type { SmugMugRestoreDetails } from '../service/records';
import { FaultRule } from '../smugmug-sandbox/faults';
import type { SandboxAlbum, SandboxNode } from '../smugmug-sandbox/library';
import type { AlbumManifest, RestoreAlbumReport, SmugMugRestoreReport } from '../state/documents';
import { apiTestbedForTests, TEST_API_TOKEN } from './support/api-harness';
import { launchChromium, seriousViolations, signedInContext } from './support/browser';
import { cliAgainst } from './support/cli-runner';
import { createTestBucket, listKeys, readObject } from './support/migration-harness';
import { sandboxClient } from './support/sandbox-client';

/**
 * The way back, end to end: a migration of the sandbox library to MinIO, albums deleted on the
 * sandbox, then restored through POST /v1/restores into the same folders with the same names,
 * through the sandbox's Uploader (faults included), checked against the archive.
 */
const testbed = apiTestbedForTests({
  library: {
    seed: 'way-back',
    nickname: `way-back-${randomUUID().slice(0, 6)}`,
    albums: 2,
    folders: 2,
    photosPerAlbum: 4,
    videos: 1,
    trickyCases: true,
    bigAlbumImages: 5001,
  },
});

let bucket: string;
let manifests: AlbumManifest[];

const library = () => testbed.sandbox.library;
const albumNamed = (name: string) => [...library().albums.values()].find((a) => a.name === name);
const manifestOf = (name: string) => manifests.find((m) => m.album.name === name)!;
/** The folder names above a node, from the top. */
const pathOf = (node: SandboxNode): string[] => {
  const names: string[] = [];
  for (let n: SandboxNode | undefined = node; n?.parentId; n = library().nodes.get(n.parentId)) names.unshift(n.name);
  return names;
};
/** The albums of this name now on the sandbox, with their path. */
const albumsNamed = (name: string) =>
  [...library().albums.values()]
    .filter((a) => a.name === name)
    .map((a) => ({ album: a, node: library().nodes.get(a.nodeId)!, path: pathOf(library().nodes.get(a.nodeId)!) }));
const imagesOf = (album: SandboxAlbum) => album.placements.map((p) => library().images.get(p.imageKey)!);

async function restore(body: Record<string, unknown>): Promise<SmugMugRestoreDetails> {
  const started = await testbed.api.call('POST', '/v1/restores', {
    bucket,
    prefix: 'lib',
    account: library().nickname,
    ...body,
  });
  expect(started.status).toBe(202);
  const id = (started.body as SmugMugRestoreDetails).id;
  const deadline = Date.now() + 240_000;
  for (;;) {
    const now = await testbed.api.call('GET', `/v1/restores/${id}`);
    const details = now.body as SmugMugRestoreDetails;
    if (details.status !== 'RUNNING') return details;
    if (Date.now() > deadline) throw new Error(`restore ${id} still running: ${JSON.stringify(details.progress)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const readJson = async <T>(key: string) =>
  JSON.parse((await readObject(testbed.harness.s3, bucket, key)).toString()) as T;

beforeAll(async () => {
  // A hidden photo in an album of the ordinary library: its flag must come back.
  library().images.get(albumNamed('Album 1')!.placements[1].imageKey)!.hidden = true;
  bucket = await createTestBucket(testbed.harness.s3, 'way-back');
  const migrated = await testbed.api.call('POST', '/v1/migrations', {
    account: library().nickname,
    target: { bucket, prefix: 'lib' },
  });
  expect(migrated.status).toBe(202);
  await testbed.api.waitFor((migrated.body as { id: string }).id, (s) => s.status !== 'RUNNING', 600_000);
  const keys = [...(await listKeys(testbed.harness.s3, bucket, 'lib/')).keys()].filter((k) =>
    k.endsWith('/album.json'),
  );
  manifests = await Promise.all(keys.map((k) => readJson<AlbumManifest>(k)));
}, 900_000);

describe('the way back to SmugMug', () => {
  test('two deleted albums come back in their folders with their names: photos identical by ArchivedMD5, metadata exact, videos re-encoded; an upload applied but answered 504 and one reset mid-body are each there once', async () => {
    const names = ['Album 1', 'Crème brûlée – Ünïcode 東京'.normalize('NFD')];
    const before = names.map((name) => albumsNamed(name)[0]);
    expect(before.every(Boolean)).toBe(true);
    const api = sandboxClient(testbed.sandbox);
    for (const { album } of before) {
      const deleted = await api.json(`/api/v2/album/${album.albumKey}`, { method: 'DELETE' });
      expect(deleted.status).toBe(200);
    }
    expect(names.map((n) => albumsNamed(n).length)).toEqual([0, 0]);

    // One upload is applied and answered 504; another is cut mid-body (nothing applied).
    const album1 = manifestOf('Album 1');
    const photos = album1.images.filter((i) => !i.isVideo);
    await fetch(`${testbed.sandbox.url}/__sandbox/counters/reset`, { method: 'POST' });
    testbed.sandbox.faults.add(
      FaultRule.parse({ kind: 'applied-then-504', target: 'upload', pathContains: photos[0].fileName }),
    );
    testbed.sandbox.faults.add(FaultRule.parse({ kind: 'reset', target: 'upload', pathContains: photos[2].fileName }));

    const done = await restore({ albums: names.map((n) => ({ albumKey: manifestOf(n).album.albumKey })) });
    expect(done.status).toBe('COMPLETED');
    expect(done.phase).toBe('completed');
    expect(testbed.sandbox.counters().faultsFired).toMatchObject({ 'applied-then-504': 1, reset: 1 });

    for (const [i, name] of names.entries()) {
      const manifest = manifestOf(name);
      const now = albumsNamed(name);
      expect(now).toHaveLength(1);
      // The same folder and name; a fresh album (a new key), its UrlName as before.
      expect(now[0].path).toEqual(before[i].path);
      expect(now[0].node.urlName).toBe(before[i].node.urlName);
      expect(now[0].album.albumKey).not.toBe(manifest.album.albumKey);
      const images = imagesOf(now[0].album);
      // Each archived image exactly once, no more.
      expect(images.map((x) => x.fileName).sort()).toEqual(manifest.images.map((x) => x.fileName).sort());
      for (const archived of manifest.images) {
        const back = images.find(
          (x) => x.fileName === archived.fileName && (archived.isVideo || x.original!.md5 === archived.md5),
        );
        expect(back).toBeDefined();
        expect({
          title: back!.title,
          caption: back!.caption,
          keywords: back!.keywords,
          hidden: back!.hidden,
          latitude: back!.latitude,
          longitude: back!.longitude,
        }).toEqual({
          title: archived.title,
          caption: archived.caption,
          keywords: archived.keywords,
          hidden: archived.hidden,
          latitude: archived.latitude,
          longitude: archived.longitude,
        });
        if (archived.isVideo) expect(back!.original!.md5).not.toBe(archived.md5);
      }
    }
    expect(manifestOf('Album 1').images.some((i) => i.hidden)).toBe(true);
    // Every upload the Uploader applied was a new image: none twice.
    const applied = testbed.sandbox.counters().uploads.filter((u) => u.imageKey);
    expect(applied.length).toBe(names.reduce((n, name) => n + manifestOf(name).images.length, 0));

    const outcomes = done.progress!.done;
    const video = album1.images.find((i) => i.isVideo)!;
    const report = await readJson<RestoreAlbumReport>(outcomes.find((o) => o.name === 'Album 1')!.reportKey);
    expect(report.items.find((i) => i.imageKey === video.imageKey)!.check).toBe('re-encoded');
    expect(report.items.filter((i) => i.imageKey !== video.imageKey).every((i) => i.check === 'identical')).toBe(true);
    const full = await readJson<SmugMugRestoreReport>(done.progress!.reportKey!);
    expect(full.albums).toHaveLength(2);
    expect(full.notRestorable.join(' ')).toMatch(/image keys/);
  }, 300_000);

  test('an album whose URL name is taken gets the next free one, recorded; its privacy is as archived', async () => {
    const name = 'Private Album';
    const existing = albumsNamed(name);
    expect(existing).toHaveLength(1);
    const done = await restore({ albums: [{ albumKey: manifestOf(name).album.albumKey }] });
    expect(done.phase).toBe('completed');
    const now = albumsNamed(name);
    expect(now).toHaveLength(2);
    const restored = now.find((a) => a.album.albumKey !== existing[0].album.albumKey)!;
    expect(restored.node.urlName).toBe(`${existing[0].node.urlName}-2`);
    expect(restored.album.privacy).toBe('Private');
    const target = done.progress!.done[0].targets[0];
    expect(target).toMatchObject({ urlName: `${existing[0].node.urlName}-2`, urlNameWanted: existing[0].node.urlName });
  }, 120_000);

  test('an album of 5,001 images comes back as two albums under the chosen folder: "Name" with 5,000 and "Name (2)" with 1', async () => {
    const name = 'Larger Than One Page';
    const manifest = manifestOf(name);
    expect(manifest.images).toHaveLength(5001);
    const done = await restore({ albums: [{ albumKey: manifest.album.albumKey }], under: 'Restored' });
    expect(done.phase).toBe('completed');
    const parts = [name, `${name} (2)`].map((n) => albumsNamed(n).find((a) => a.path[0] === 'Restored')!);
    expect(parts.map((p) => p.path)).toEqual([
      ['Restored', 'Edge Cases', name],
      ['Restored', 'Edge Cases', `${name} (2)`],
    ]);
    expect(parts.map((p) => imagesOf(p.album).length)).toEqual([5000, 1]);
    expect(done.progress!.done[0].counts.identical).toBe(5001);
  }, 300_000);

  test('from the archive pages (axe clean) and from the CLI: each album back, the page following it to the end', async () => {
    const api = sandboxClient(testbed.sandbox);
    for (const name of ['Hidden Items', 'Unlisted Album'])
      expect(
        (await api.json(`/api/v2/album/${albumsNamed(name)[0].album.albumKey}`, { method: 'DELETE' })).status,
      ).toBe(200);

    const browser = await launchChromium();
    try {
      const { context, page } = await signedInContext(
        browser,
        testbed.api.url,
        TEST_API_TOKEN,
        `/app/archive?bucket=${bucket}&prefix=lib&f=Edge%20Cases`,
      );
      await page.getByLabel('Select Hidden Items').check();
      await page.getByRole('button', { name: 'Put selected back on SmugMug…' }).click();
      await page.waitForURL(/\/app\/archive\/to-smugmug\?/);
      expect(await page.locator('#to-smugmug-summary').textContent()).toMatch(/^Hidden Items \(2 items\)/);
      expect(await seriousViolations(page)).toEqual([]);
      await page.getByLabel('SmugMug account (nickname)').fill(library().nickname);
      await page.getByRole('button', { name: 'Put back on SmugMug' }).click();
      await page.waitForURL(/\/app\/archive\/to-smugmug\/to-smugmug-/);
      await page.locator('#to-smugmug-phase', { hasText: /^done: every album is back/ }).waitFor({ timeout: 60_000 });
      expect(await page.locator('#to-smugmug-albums tbody tr td').allTextContents()).toEqual([
        'Hidden Items',
        '2',
        '0',
        '0',
        '0',
      ]);
      expect(await seriousViolations(page)).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
    }
    const hidden = albumsNamed('Hidden Items');
    expect(hidden).toHaveLength(1);
    expect(
      imagesOf(hidden[0].album)
        .map((i) => [i.fileName, i.hidden])
        .sort(),
    ).toEqual([
      ['hidden.jpg', true],
      ['visible.jpg', false],
    ]);

    const cli = cliAgainst(testbed.api.url);
    const albumKey = manifestOf('Unlisted Album').album.albumKey;
    const run = await cli([
      'restore',
      '--account',
      library().nickname,
      '--bucket',
      bucket,
      '--prefix',
      'lib',
      '--album',
      albumKey,
    ]).done;
    expect(run.output).toMatch(/ok Edge Cases \/ Unlisted Album → Unlisted Album: 1 identical/);
    expect(run.output).toMatch(/DONE: report at s3:\/\//);
    expect(run.code).toBe(0);
    expect(albumsNamed('Unlisted Album').map((a) => [a.path, a.album.privacy])).toEqual([
      [['Edge Cases', 'Unlisted Album'], 'Unlisted'],
    ]);
  }, 180_000);

  test('bad input starts nothing: no albums or folder, an unknown album, too deep a folder', async () => {
    const base = { bucket, prefix: 'lib', account: library().nickname };
    const none = await testbed.api.call('POST', '/v1/restores', base);
    expect(none.status).toBe(400);
    const unknown = await testbed.api.call('POST', '/v1/restores', { ...base, albums: [{ albumKey: 'NoSuchAlbum' }] });
    expect(unknown.status).toBe(404);
    const deep = await testbed.api.call('POST', '/v1/restores', {
      ...base,
      albums: [{ albumKey: manifestOf('Album 1').album.albumKey }],
      under: 'a/b/c/d/e',
    });
    expect(deep.status).toBe(409);
    expect(JSON.stringify(deep.body)).toMatch(/at most 5 deep/);
  });
});
