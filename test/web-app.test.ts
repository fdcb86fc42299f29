import { PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { CredentialStore } from '../config/credential-store';
import { projectRoot } from '../local-stack/paths';
import type { Counters } from '../smugmug-sandbox/faults';
import type { RunningSandbox } from '../smugmug-sandbox/server';
import { startApiTestbed, TEST_API_TOKEN } from './support/api-harness';
import { fitsWidth, launchChromium, PHONE_WIDTH, seriousViolations, signedInContext } from './support/browser';
import { createTestBucket } from './support/migration-harness';

type Testbed = Awaited<ReturnType<typeof startApiTestbed>>;

/** Where the test run leaves the screenshots README shows. */
const SCREENSHOTS = join(projectRoot, 'docs', 'screenshots');

let testbed: Testbed | undefined;
let sandbox: RunningSandbox;
let api: Testbed['api'];
let browser: Browser;
beforeAll(async () => {
  testbed = await startApiTestbed(
    {
      library: { seed: 'web', nickname: 'web-tester', albums: 2, folders: 1, photosPerAlbum: 3, videos: 0 },
      // Slow enough that albums are in flight for a few seconds: the page has progress to show.
      mediaBytesPerSecond: 300_000,
    },
    {},
    (s) => ({
      SMUGMUG_API_BASE_URL: s.url,
      SMUGMUG_API_KEY: s.credentials.consumerKey,
      SMUGMUG_API_SECRET: s.credentials.consumerSecret,
      // An operator's account in the API's environment, read only: Setup shows it before any Connect.
      SMUGMUG_ACCESS_TOKEN: s.credentials.fullRead.token,
      SMUGMUG_ACCESS_TOKEN_SECRET: s.credentials.fullRead.secret,
    }),
  );
  ({ sandbox, api } = testbed);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await testbed?.close();
});

const counters = async () => (await (await fetch(`${sandbox.url}/__sandbox/counters`)).json()) as Counters;
const albumNamed = (name: string) => [...sandbox.library.albums.values()].find((a) => a.name === name)!;

const signedIn = () => signedInContext(browser, api.url, TEST_API_TOKEN);

describe("the photographer's web app, in a real browser", () => {
  test('connect SmugMug, start, watch with album names, retry a failed album, review, approve with a typed word: exactly the verified, non-held originals go', async () => {
    const { context, page } = await signedIn();
    const a11y: Record<string, string[]> = {};
    try {
      a11y.migrations = await seriousViolations(page);

      // Connect: the OAuth callback flow against the sandbox, the token kept in the credential store.
      await page.getByRole('link', { name: 'Setup' }).click();
      expect(await page.locator('#connected-accounts').textContent()).toBe(
        "web-tester (set in the service's environment)",
      );
      expect(await page.locator('#app-key').textContent()).toBe(sandbox.credentials.consumerKey);
      await page.getByRole('button', { name: 'Connect another account' }).click();
      await page.waitForURL(/\/app\/setup\?connected=web-tester/);
      expect(await page.locator('.connected-account').textContent()).toBe('web-tester');
      expect(await page.content()).toContain('allowed to delete originals after your approval');
      a11y.setup = await seriousViolations(page);
      const stored = await new CredentialStore(api.config.CREDENTIALS_STORE!).read();
      expect(stored.accounts['web-tester']).toMatchObject({
        permissions: 'Modify',
        token: { key: expect.stringMatching(/^[0-9a-f]{32}$/) },
      });
      expect(await page.content()).not.toContain(stored.accounts['web-tester'].token!.key);

      // One album's originals answer 404 for now: that album fails, and is retried from its button.
      const failing = albumNamed('Album 2');
      const failingImage = failing.placements[0].imageKey;
      await fetch(`${sandbox.url}/__sandbox/faults`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ kind: 'not-found', target: 'media', times: 1000, pathContains: failingImage }),
      });
      const bucket = await createTestBucket(testbed!.harness.s3, 'web');
      await testbed!.harness.s3.send(
        new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      );

      await page.getByRole('link', { name: 'Migrations' }).click();
      await page.getByLabel('SmugMug nickname').fill('web-tester');
      await page.getByLabel('S3 bucket').fill(bucket);
      await page.getByLabel('Folder in the bucket (optional)').fill('web'); // leaving the bucket field checks it
      await page.locator('#bucket-check li', { hasText: 'Versioning keeps every version' }).waitFor();
      expect(await page.locator('#bucket-check').textContent()).toContain(
        '(needed before originals may be deleted): yes',
      );
      await page.getByLabel('Only these albums (optional)').fill('*/Videos, */Album 1, */Album 2');
      // A live count of the albums the patterns match, from the connected account's folder tree.
      const albumCount = page.locator('#album-count', { hasText: 'albums match' });
      await albumCount.waitFor();
      expect(await albumCount.textContent()).toBe(`3 of ${sandbox.library.albums.size} albums match.`);
      expect(await fitsWidth(page, PHONE_WIDTH)).toBe(true);

      // Plan first: counts and costs before anything moves, then start from the plan.
      await page.getByRole('button', { name: /Plan first/ }).click();
      await page.waitForURL(/\/app\/plans\//);
      await page.locator('#costs').waitFor({ timeout: 60_000 });
      expect(await page.locator('#plan-totals').textContent()).toMatch(
        /^3 albums, \d+ files \(\d+ photos, \d+ videos\)/,
      );
      expect(await page.locator('#costs tbody tr').count()).toBe(7);
      a11y.plan = await seriousViolations(page);
      await page.screenshot({ path: join(SCREENSHOTS, 'plan.png'), fullPage: true });
      expect((await counters()).requests.media).toBe(0);
      await page.getByLabel(/let me approve deleting the originals/).check();
      await page.getByRole('button', { name: 'Start copying' }).click();
      await page.waitForURL(/\/app\/migrations\/migrate-web-tester-/);
      const migrationUrl = page.url();
      const id = decodeURIComponent(migrationUrl.split('/app/migrations/')[1]);

      // Progress updates in place (htmx), naming albums by their path; the failed album has a button.
      const seenNames = new Set<string>();
      const retry = page.getByRole('button', { name: /Try again .*Album 2/ });
      for (let i = 0; i < 480 && !(seenNames.size > 0 && (await retry.isVisible())); i++) {
        for (const name of await page.locator('.album-name').allTextContents()) seenNames.add(name);
        await page.waitForTimeout(250);
      }
      expect(await retry.isVisible()).toBe(true);
      expect(page.url()).toBe(migrationUrl); // no reload
      expect([...seenNames].some((n) => / › (Album 1|Album 2|Videos)$/.test(n))).toBe(true);
      expect(await page.locator('#failed-albums + ul').textContent()).toContain('is gone');
      a11y.migration = await seriousViolations(page);

      await fetch(`${sandbox.url}/__sandbox/faults`, { method: 'DELETE' });
      await retry.click();
      await page.waitForURL(/notice=/);
      await page.getByRole('link', { name: /Review the verified copy/ }).waitFor({ timeout: 120_000 });
      await page.locator('#phase', { hasText: 'waiting for your approval' }).waitFor({ timeout: 120_000 });
      await page.screenshot({ path: join(SCREENSHOTS, 'migration.png'), fullPage: true });

      await page.getByRole('link', { name: /Review the verified copy/ }).click();
      expect(await page.locator('#report tbody tr').count()).toBe(3);
      expect(await page.content()).toContain("only SmugMug's re-encoded video exists");
      a11y.review = await seriousViolations(page);
      expect(await fitsWidth(page, PHONE_WIDTH)).toBe(true);
      await page.screenshot({ path: join(SCREENSHOTS, 'review.png'), fullPage: true });

      // A stale report digest is refused, with the reason on the page; nothing is deleted.
      await page
        .locator('input[name=reportDigest]')
        .evaluate((el) => ((el as { value: string }).value = 'a'.repeat(64)));
      await page.getByRole('button', { name: 'Show what would be deleted' }).click();
      expect(await page.getByRole('alert').textContent()).toContain('does not match the current report');

      // Without the typed word nothing happens; with it, the verified originals go.
      await page.getByLabel('Your name').fill('Jane Photographer');
      await page.getByRole('button', { name: 'Delete originals on SmugMug' }).click();
      expect(await page.getByRole('alert').textContent()).toContain('type "delete"');
      expect((await counters()).deletions).toEqual([]);
      // What should go, read before: the sandbox takes deleted images out of their albums.
      const { body: report } = await api.call('GET', `/v1/migrations/${id}/report`);
      const held = new Set((report.report.held as Array<{ imageKey: string }>).map((h) => h.imageKey));
      expect(held.size).toBeGreaterThan(0);
      const expected = ['Videos', 'Album 1', 'Album 2']
        .flatMap((name) => albumNamed(name).placements.map((p) => p.imageKey))
        .filter((k) => !held.has(k));
      await page.getByLabel('Your name').fill('Jane Photographer');
      await page.getByLabel('To delete, type "delete"').fill('delete');
      await page.getByRole('button', { name: 'Delete originals on SmugMug' }).click();
      await page.waitForURL(/notice=Approved/);
      await page.locator('#deletion-counts', { hasText: 'from 3 of 3 approved albums' }).waitFor({ timeout: 60_000 });

      expect((await counters()).deletions.map((d) => d.imageKey).sort()).toEqual([...new Set(expected)].sort());
      expect(await page.locator('#deletion-counts').textContent()).toContain(`${expected.length} originals`);
      await page.getByRole('link', { name: 'The deletion record of each album' }).click();
      expect(await page.locator('#deletions tbody tr').count()).toBe(3);
      expect(await page.locator('#deletions').textContent()).toContain('Jane Photographer');
      a11y.deletions = await seriousViolations(page);

      // The run waits for a decision on its held items: end it, so the account is free for the next test.
      expect((await api.call('POST', `/v1/migrations/${id}/cancel`)).status).toBe(202);

      // Schedules: create, pause, delete; a schedule never deletes on SmugMug.
      await page.getByRole('link', { name: 'Schedules' }).click();
      await page.getByLabel('SmugMug nickname').fill('web-tester');
      await page.getByLabel('S3 bucket').fill(bucket);
      await page.getByLabel('How often').selectOption('24h');
      await page.getByRole('button', { name: 'Create the schedule' }).click();
      const row = page.locator('#schedules tr', { hasText: 'web-tester' });
      expect(await row.textContent()).toContain('every 24h');
      a11y.schedules = await seriousViolations(page);
      await row.getByRole('button', { name: /Pause/ }).click();
      expect(await page.locator('#schedules tr', { hasText: 'web-tester' }).textContent()).toContain('paused');
      await page
        .locator('#schedules tr', { hasText: 'web-tester' })
        .getByRole('button', { name: /Delete/ })
        .click();
      expect(await page.locator('#schedules tr', { hasText: 'web-tester' }).count()).toBe(0);
      expect((await api.call('GET', '/v1/schedules/sync-web-tester')).status).toBe(404);

      // The sign-in page, checked last (signing out ends this session).
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(/\/app\/sign-in/);
      a11y.signIn = await seriousViolations(page);
      expect(a11y).toEqual({
        migrations: [],
        setup: [],
        plan: [],
        migration: [],
        review: [],
        deletions: [],
        schedules: [],
        signIn: [],
      });
    } finally {
      await context.close();
    }
  }, 420_000);

  test('without JavaScript, the forms still work: sign in, plan first, and the plan by reloading', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${api.url}/app/sign-in`);
      await page.getByLabel('Access key').fill(TEST_API_TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/app\/migrations$/);
      const bucket = await createTestBucket(testbed!.harness.s3, 'web-nojs');
      await page.getByLabel('SmugMug nickname').fill('web-tester');
      await page.getByLabel('S3 bucket').fill(bucket);
      await page.getByLabel('Only these albums (optional)').fill('*/Duplicate File Names'); // an album the first test left alone
      await page.getByRole('button', { name: /Plan first/ }).click();
      await page.waitForURL(/\/app\/plans\//);
      for (let i = 0; i < 60 && (await page.locator('#costs').count()) === 0; i++) {
        await page.waitForTimeout(1000);
        await page.reload();
      }
      expect(await page.locator('#plan-totals').textContent()).toMatch(/^1 albums, 3 files/);
    } finally {
      await context.close();
    }
  }, 120_000);

  test('a form posted without the CSRF token, from another origin, or without a session changes nothing', async () => {
    const { context, page } = await signedIn();
    try {
      const form = { account: 'web-tester', bucket: 'never-made', storageClass: 'STANDARD' };
      const origin = new URL(api.url).origin;
      const before = (await api.call('GET', '/v1/migrations?pageSize=100')).body.migrations.length;

      const noToken = await context.request.post(`${api.url}/app/migrations`, { form, headers: { Origin: origin } });
      expect(noToken.status()).toBe(403);
      const token = await page.locator('input[name=_csrf]').first().inputValue();
      const otherOrigin = await context.request.post(`${api.url}/app/migrations`, {
        form: { ...form, _csrf: token },
        headers: { Origin: 'http://elsewhere.example' },
      });
      expect(otherOrigin.status()).toBe(403);
      const noSession = await fetch(`${api.url}/app/migrations`, {
        method: 'POST',
        headers: { Origin: origin, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...form, _csrf: token }),
        redirect: 'manual',
      });
      expect(noSession.status).toBe(401);
      expect((await api.call('GET', '/v1/migrations?pageSize=100')).body.migrations.length).toBe(before);

      // The session cookie is HttpOnly and SameSite=Strict; pages carry a strict CSP.
      const [cookie] = await context.cookies();
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      const res = await context.request.get(`${api.url}/app/migrations`);
      expect(res.headers()['content-security-policy']).toContain("default-src 'none'");
      expect(await res.text()).not.toContain(TEST_API_TOKEN);
    } finally {
      await context.close();
    }
  });
});

beforeAll(() => mkdir(SCREENSHOTS, { recursive: true }));
