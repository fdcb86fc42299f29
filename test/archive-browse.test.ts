import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { get, type IncomingMessage } from 'node:http';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Browser } from 'playwright-core';
import * as yauzl from 'yauzl';
import { PHASES_AWAITING_A_PERSON } from '../common/records';
import { projectRoot } from '../local-stack/paths';
import type { AlbumManifest } from '../state/documents';
import { startApiTestbed, TEST_API_TOKEN } from './support/api-harness';
import { fitsWidth, launchChromium, PHONE_WIDTH, seriousViolations, signedInContext } from './support/browser';
import { createTestBucket, listKeys, md5Of, readObject } from './support/migration-harness';
import { testStack } from './support/test-stack';

type Testbed = Awaited<ReturnType<typeof startApiTestbed>>;

/**
 * The archive in the web app, after a migration of the sandbox library into MinIO: browsing folder →
 * album → image, search by keyword and capture date, share links (opened without a session,
 * revoked, expired) and albums as one zip streamed from S3.
 */
let testbed: Testbed;
let browser: Browser;
let bucket: string;
let manifests: AlbumManifest[];
const PREFIX = 'lib';

beforeAll(async () => {
  testbed = await startApiTestbed({
    library: {
      seed: 'archive-pages',
      nickname: `archive-${randomUUID().slice(0, 6)}`,
      albums: 3,
      folders: 1,
      photosPerAlbum: 4,
      videos: 3,
      // Videos of tens of MB: a zip of three albums weighs far more than the memory it may take.
      videoBytes: { min: 16_000_000, max: 20_000_000 },
      trickyCases: true,
    },
  });
  browser = await launchChromium();
  bucket = await createTestBucket(testbed.harness.s3, 'archive-pages');
  const started = await testbed.api.call('POST', '/v1/migrations', {
    account: testbed.sandbox.library.nickname,
    target: { bucket, prefix: PREFIX },
  });
  if (started.status !== 202) throw new Error(`start refused: ${JSON.stringify(started.body)}`);
  await testbed.api.waitFor(
    started.body.id,
    (s) => s.status !== 'RUNNING' || PHASES_AWAITING_A_PERSON.includes(s.phase),
    240_000,
  );
  const keys = [...(await listKeys(testbed.harness.s3, bucket, `${PREFIX}/`)).keys()];
  manifests = await Promise.all(
    keys
      .filter((k) => k.endsWith('/album.json'))
      .map(async (k) => JSON.parse((await readObject(testbed.harness.s3, bucket, k)).toString()) as AlbumManifest),
  );
}, 300_000);
afterAll(async () => {
  await browser?.close();
  await testbed?.close();
});

const signedIn = () => signedInContext(browser, testbed.api.url, TEST_API_TOKEN, `/app/archive?bucket=${bucket}`);
const images = () => manifests.flatMap((m) => m.images.map((image) => ({ album: m.album, image })));

describe('the archive in the web app', () => {
  test('browse folder → album → image, search a keyword and a date range, at desktop and phone width with no serious axe finding', async () => {
    const { context, page } = await signedIn();
    const a11y: Record<string, string[]> = {};
    try {
      // The bucket holds one archive: its folders at once.
      await page.waitForURL(/\/app\/archive\?bucket=.*&prefix=lib/);
      expect(await page.locator('main').textContent()).toContain(
        `${manifests.length} albums, ${images().length} photos and videos in this archive.`,
      );
      a11y.folder = await seriousViolations(page);

      // Folder → album → image.
      const album = manifests.find((m) => m.images.some((i) => i.isVideo) && m.images.some((i) => !i.isVideo))!;
      await page.locator('#folders').getByRole('link', { name: album.album.path[0], exact: true }).click();
      await page.locator('#albums').getByRole('link', { name: album.album.name, exact: true }).click();
      await page.locator('#grid img').first().waitFor();
      expect(await page.locator('#grid li').count()).toBe(album.images.length);
      // Every preview is an image the browser decoded: SmugMug's Medium rendition, through the app.
      // The expression runs in the page, where the DOM is.
      const decoded = (await page.evaluate(
        `Promise.all([...document.querySelectorAll('#grid img')].map((img) => img.decode().then(() => img.naturalWidth > 0, () => false)))`,
      )) as boolean[];
      expect(decoded).toEqual(album.images.map(() => true));
      a11y.album = await seriousViolations(page);
      await page.screenshot({ path: join(projectRoot, 'docs', 'screenshots', 'archive-album.png') });
      expect(await fitsWidth(page, PHONE_WIDTH)).toBe(true);

      const photo = album.images.find((i) => !i.isVideo)!;
      await page.getByRole('link', { name: photo.fileName }).click();
      const facts = await page.locator('#image-facts').textContent();
      for (const expected of [
        photo.title,
        photo.caption,
        photo.keywords.join(', '),
        photo.captured!,
        `${photo.latitude}, ${photo.longitude}`,
        photo.fileName,
        'Storage classStandard',
        'Readable nowyes',
        "identical to SmugMug's original",
        photo.s3Key,
      ])
        expect(facts).toContain(expected);
      a11y.image = await seriousViolations(page);
      expect(await fitsWidth(page, PHONE_WIDTH)).toBe(true);

      // Its download: S3's own URL, minted now; the bytes are SmugMug's original.
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
      expect(md5Of(await readFile((await download.path())!))).toBe(photo.md5);

      // Search by keyword, from the archive's top: exactly the images that carry it, whatever its case.
      await page
        .getByRole('navigation', { name: 'Where you are' })
        .getByRole('link', { name: `s3://${bucket}/${PREFIX}` })
        .click();
      const tokyo = images().filter((i) => i.image.keywords.includes('night view'));
      expect(tokyo.length).toBeGreaterThan(0);
      await page.getByLabel('Keyword').fill('Night View');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.locator('#found').waitFor();
      expect(await page.locator('#grid .caption').allTextContents()).toEqual(tokyo.map((i) => i.image.fileName));
      a11y.search = await seriousViolations(page);

      // By capture date: the day of the tricky daylight-saving photos, exactly those taken that day.
      const day = '2021-03-14';
      const thatDay = images().filter((i) => i.image.captured?.startsWith(day));
      expect(thatDay.length).toBeGreaterThanOrEqual(2);
      await page.getByLabel('Keyword').fill('');
      await page.getByLabel('Taken from').fill(day);
      await page.getByLabel('Taken until').fill(day);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL(/from=2021-03-14/);
      expect((await page.locator('#grid .caption').allTextContents()).sort()).toEqual(
        thatDay.map((i) => i.image.fileName).sort(),
      );
      expect(await page.locator('#found').textContent()).toBe(`${thatDay.length} found.`);
      // And words of a caption, across albums.
      await page.getByLabel('Taken from').fill('');
      await page.getByLabel('Taken until').fill('');
      await page.getByLabel('Words in the title, caption or file name').fill('tokyo by night');
      await page.getByRole('button', { name: 'Search' }).click();
      await page.waitForURL(/q=tokyo/);
      expect(await page.locator('#grid .caption').allTextContents()).toEqual(
        images()
          .filter((i) => i.image.caption.toLowerCase().includes('tokyo by night'))
          .map((i) => i.image.fileName),
      );

      // The same pages at a phone's width: nothing serious for axe there either.
      await page.setViewportSize({ width: PHONE_WIDTH, height: 844 });
      a11y.searchPhone = await seriousViolations(page);
      await page.goBack();
      await page.goto(`${testbed.api.url}/app/archive?bucket=${bucket}&prefix=${PREFIX}`);
      a11y.folderPhone = await seriousViolations(page);
      await page.goto(
        `${testbed.api.url}/app/archive/album?bucket=${bucket}&prefix=${PREFIX}&album=${album.album.albumKey}`,
      );
      a11y.albumPhone = await seriousViolations(page);
      expect(await fitsWidth(page, PHONE_WIDTH)).toBe(true);
      expect(a11y).toEqual(Object.fromEntries(Object.keys(a11y).map((k) => [k, []])));
    } finally {
      await context.close();
    }
  }, 180_000);

  test('a share link: opened without a session it shows the album and downloads the original; revoked or expired it answers 410; the bucket stays private', async () => {
    const album = manifests.find((m) => m.album.path.length === 2 && m.images.length >= 3)!;
    const { context, page } = await signedIn();
    let link: string;
    try {
      await page.goto(
        `${testbed.api.url}/app/archive/album?bucket=${bucket}&prefix=${PREFIX}&album=${album.album.albumKey}`,
      );
      await page.getByLabel('Works for').selectOption({ label: '1 day' });
      await page.getByRole('button', { name: 'Share the album' }).click();
      link = await page.locator('#share-link').inputValue();
      expect(link).toMatch(new RegExp(`/app/shared/${bucket}/[A-Za-z0-9_-]{32}$`));
    } finally {
      await context.close();
    }

    // A stranger: a fresh context, no session, no cookie.
    const stranger = await browser.newContext();
    try {
      const page = await stranger.newPage();
      const opened = await page.goto(link);
      expect(opened!.status()).toBe(200);
      expect(await page.locator('h2').allTextContents()).toEqual([album.album.name]);
      const photo = album.images.find((i) => !i.isVideo)!;
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: `Download ${photo.fileName}` }).click(),
      ]);
      expect(md5Of(await readFile((await download.path())!))).toBe(photo.md5);
      expect(await seriousViolations(page)).toEqual([]);

      // The bucket itself is private: the same object without a signature is refused.
      const direct = await fetch(`${testStack().minio.endpoint}/${bucket}/${encodeURI(photo.s3Key)}`);
      expect(direct.status).toBe(403);

      // Revoked in the app: the link is gone at once, its page and its downloads.
      const owner = await signedIn();
      await owner.page.goto(`${testbed.api.url}/app/archive/shares?bucket=${bucket}`);
      await owner.page.getByRole('button', { name: /^Revoke / }).click();
      await owner.page.locator('#shares td', { hasText: 'revoked' }).waitFor();
      await owner.context.close();
      expect((await page.goto(link))!.status()).toBe(410);
      expect(await page.locator('main').textContent()).toContain('withdrawn');
      const downloadAfter = await fetch(`${link}/download/${album.album.albumKey}/${photo.imageKey}`, {
        redirect: 'manual',
      });
      expect(downloadAfter.status).toBe(410);

      // One that expires by itself: made through the API for two seconds.
      const made = await testbed.api.call('POST', '/v1/shares', {
        bucket,
        prefix: PREFIX,
        albums: [{ albumKey: album.album.albumKey, imageKeys: [photo.imageKey] }],
        expiresInSeconds: 2,
      });
      expect(made.status).toBe(201);
      const shortLink = `${testbed.api.url}${made.body.path}`;
      expect((await fetch(shortLink)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 2_500));
      expect((await fetch(shortLink)).status).toBe(410);
      const listed = await testbed.api.call('GET', `/v1/shares?bucket=${bucket}`);
      expect(listed.body.shares.map((s: { state: string }) => s.state).sort()).toEqual(['expired', 'revoked']);
      // The secret is a credential: the API's request log names the share's bucket, never the secret.
      const secret = link.split('/').pop()!;
      expect(JSON.stringify(testbed.api.logs)).not.toContain(secret);
      expect(testbed.api.logs.some((l) => l.path === `/app/shared/${bucket}/…`)).toBe(true);
      // A link with a made-up secret is simply unknown.
      expect((await fetch(`${testbed.api.url}/app/shared/${bucket}/${'x'.repeat(32)}`)).status).toBe(404);
    } finally {
      await stranger.close();
    }
  }, 120_000);

  test('three albums as one zip: streamed, unpacked byte-identical to the originals, with sidecars and album.json, in bounded memory', async () => {
    // The three heaviest albums: their videos weigh tens of MB.
    const weight = (m: AlbumManifest) => m.images.reduce((sum, i) => sum + i.size, 0);
    const picked = [...manifests].sort((a, b) => weight(b) - weight(a)).slice(0, 3);
    expect(picked).toHaveLength(3);
    const totalBytes = picked.flatMap((m) => m.images).reduce((sum, i) => sum + i.size, 0);
    expect(totalBytes).toBeGreaterThan(30_000_000);

    const { context } = await signedIn();
    const cookies = await context.cookies();
    await context.close();
    const query = new URLSearchParams({ bucket, prefix: PREFIX });
    for (const m of picked) query.append('album', m.album.albumKey);
    // Node's own HTTP client: its socket pauses when the reader does (backpressure end to end).
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      get(
        `${testbed.api.url}/app/archive/zip?${query}`,
        { headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; ') } },
        resolve,
      ).on('error', reject),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');

    // Read slowly, as a download over a real link is: memory the server holds shows up as growth.
    const dir = await mkdtemp(join(tmpdir(), 'archive-zip-'));
    const zipPath = join(dir, 'albums.zip');
    // Buffers still referenced, after a collection: what the server (and this reader) hold, not garbage.
    const liveBuffers = () => {
      collectGarbage();
      return process.memoryUsage().arrayBuffers;
    };
    const baseline = liveBuffers();
    const growth: number[] = [];
    let chunks = 0;
    const slowly = new Transform({
      transform(chunk, _enc, done) {
        if (++chunks % 32 === 0) growth.push(liveBuffers() - baseline);
        setTimeout(() => done(null, chunk), 2);
      },
    });
    await pipeline(res, slowly, createWriteStream(zipPath));
    const sorted = [...growth].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    const peak = sorted[sorted.length - 1];
    console.log(
      `zip of ${picked.length} albums, ${(totalBytes / 1e6).toFixed(1)} MB of originals: buffers held beyond the start, median ${(median / 1e6).toFixed(1)} MB, peak ${(peak / 1e6).toFixed(1)} MB`,
    );
    // Streamed, not gathered: what is held stays about a chunk or a file, far below what went through.
    expect(median).toBeLessThan(4_000_000);
    expect(peak).toBeLessThan(totalBytes / 2);

    const entries = await unzipped(zipPath);
    try {
      for (const m of picked) {
        const folder = m.album.path.join('/');
        expect(entries.has(`${folder}/album.json`)).toBe(true);
        for (const image of m.images) {
          const inZip = image.s3Key.slice(PREFIX.length + 1);
          expect({ file: inZip, md5: entries.get(inZip) }).toEqual({ file: inZip, md5: image.md5 });
          if (image.sidecarKey) expect(entries.has(image.sidecarKey.slice(PREFIX.length + 1))).toBe(true);
        }
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

/** A full garbage collection now (V8's own, exposed at run time). */
const collectGarbage: () => void = (() => {
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
})();

/** Each entry of a zip file and the MD5 of its bytes. */
async function unzipped(path: string): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const md5s = new Map<string, string>();
    yauzl.open(path, { lazyEntries: true }, (err, file) => {
      if (err) return reject(err);
      file.on('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (streamErr, stream) => {
          if (streamErr) return reject(streamErr);
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            md5s.set(entry.fileName, md5Of(Buffer.concat(chunks)));
            file.readEntry();
          });
        });
      });
      file.on('end', () => resolve(md5s));
      file.on('error', reject);
      file.readEntry();
    });
  });
}
