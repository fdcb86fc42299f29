import SwaggerParser from '@apidevtools/swagger-parser';
import { PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import type { Counters } from '../smugmug-sandbox/faults';
import { apiTestbedForTests, TEST_API_TOKEN } from './support/api-harness';
import { createTestBucket, readObject } from './support/migration-harness';

const testbed = apiTestbedForTests({
  library: {
    seed: 'api',
    nickname: 'api-tester',
    albums: 3,
    folders: 1,
    photosPerAlbum: 4,
    videos: 0,
    trickyCases: false,
  },
});

afterEach(async () => {
  const { migrations } = (await testbed.api.call('GET', `/v1/migrations?account=${testbed.sandbox.library.nickname}`))
    .body as {
    migrations: Array<{ id: string; status: string }>;
  };
  for (const m of migrations.filter((m) => m.status === 'RUNNING')) {
    await testbed.api.call('POST', `/v1/migrations/${m.id}/cancel`);
    await testbed.api.waitFor(m.id, (s) => s.status !== 'RUNNING');
  }
});

const counters = async () => (await (await fetch(`${testbed.sandbox.url}/__sandbox/counters`)).json()) as Counters;
const versionedBucket = async (label: string) => {
  const bucket = await createTestBucket(testbed.harness.s3, label);
  await testbed.harness.s3.send(
    new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  return bucket;
};
const account = () => testbed.sandbox.library.nickname;

describe('the HTTP API', () => {
  test('refuses requests without the bearer token, and with a wrong one', async () => {
    expect((await testbed.api.call('GET', '/v1/migrations', undefined, null)).status).toBe(401);
    expect((await testbed.api.call('GET', '/v1/migrations', undefined, 'wrong-token-wrong-token')).status).toBe(401);
    expect((await testbed.api.call('GET', '/v1/migrations')).status).toBe(200);
    expect((await testbed.api.call('GET', '/healthz', undefined, null)).status).toBe(200);
    expect((await testbed.api.call('GET', '/readyz', undefined, null)).body).toMatchObject({
      ok: true,
      temporal: 'reachable',
    });
  });

  test('bad input is a 400 naming the field; an unknown id is a 404; nothing starts', async () => {
    const bad = await testbed.api.call('POST', '/v1/migrations', {
      account: 'has spaces',
      target: { bucket: 'UPPER' },
      albumConcurrency: 0,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.issues.map((i: { field: string }) => i.field)).toEqual(
      expect.arrayContaining(['account', 'target.bucket', 'albumConcurrency']),
    );
    const notJson = await testbed.api.call('POST', '/v1/migrations', '{not json');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.code).toBe('invalid_request');
    const missing = await testbed.api.call('POST', '/v1/migrations', {});
    expect(missing.status).toBe(400);
    expect(missing.body.error.issues.map((i: { field: string }) => i.field)).toEqual(
      expect.arrayContaining(['account', 'target']),
    );
    expect((await testbed.api.call('GET', '/v1/migrations/migrate-nobody-nothing')).status).toBe(404);
    expect((await testbed.api.call('POST', '/v1/migrations/migrate-nobody-nothing/retry-failed')).status).toBe(404);
    const badApproval = await testbed.api.call('POST', '/v1/migrations/migrate-nobody-nothing/deletion/approve', {
      approvedBy: '',
      albums: [],
      reportDigest: 'abc',
    });
    expect(badApproval.status).toBe(400);
    expect(badApproval.body.error.issues.map((i: { field: string }) => i.field)).toEqual(
      expect.arrayContaining(['approvedBy', 'reportDigest']),
    );
    expect((await testbed.api.call('GET', `/v1/migrations?account=${account()}`)).body.migrations).toEqual([]);
  });

  test('a body over the size limit is refused with 413 before anything reads it', async () => {
    const huge = await testbed.api.call('POST', '/v1/migrations', {
      account: account(),
      target: { bucket: 'b' },
      padding: 'x'.repeat(100_000),
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
  });

  test('approvals are rate limited per migration, after authentication: strangers cannot use up the budget', async () => {
    const approve = (id: string, token?: string | null) =>
      testbed.api.call(
        'POST',
        `/v1/migrations/${id}/deletion/approve`,
        { approvedBy: 'Jane', albums: 'all', reportDigest: 'a'.repeat(64) },
        token,
      );
    for (let i = 0; i < 12; i++) expect((await approve('migrate-nobody-ratelimit', null)).status).toBe(401);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await approve('migrate-nobody-ratelimit')).status);
    expect(statuses.slice(0, 10)).toEqual(new Array(10).fill(404));
    expect(statuses.slice(10)).toEqual([429, 429]);
    const limited = await approve('migrate-nobody-ratelimit');
    expect(limited.body.error.code).toBe('rate_limited');
    expect(limited.headers.get('ratelimit-policy') ?? limited.headers.get('ratelimit')).toBeTruthy();
    // Another migration has its own budget.
    expect((await approve('migrate-nobody-other')).status).toBe(404);
  });

  test('/openapi.json is a valid OpenAPI 3 document of every route, and /docs shows it', async () => {
    const doc = (await testbed.api.call('GET', '/openapi.json', undefined, null)).body;
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/codec/decode',
      '/codec/encode',
      '/v1/archive-restores',
      '/v1/archive-restores/quote',
      '/v1/archive-restores/{id}',
      '/v1/audit-schedules',
      '/v1/audits',
      '/v1/audits/{id}',
      '/v1/audits/{id}/report',
      '/v1/migrations',
      '/v1/migrations/{id}',
      '/v1/migrations/{id}/albums',
      '/v1/migrations/{id}/albums/{albumKey}/retry',
      '/v1/migrations/{id}/cancel',
      '/v1/migrations/{id}/deletion/approve',
      '/v1/migrations/{id}/report',
      '/v1/migrations/{id}/retry-failed',
      '/v1/plans',
      '/v1/plans/{id}',
      '/v1/restores',
      '/v1/restores/{id}',
      '/v1/schedules',
      '/v1/schedules/{scheduleId}',
      '/v1/schedules/{scheduleId}/pause',
      '/v1/schedules/{scheduleId}/resume',
      '/v1/shares',
      '/v1/shares/{id}',
    ]);
    const docs = await testbed.api.call('GET', '/docs', undefined, null);
    expect(docs.body).toContain('/openapi.json');
    expect((await fetch(`${testbed.api.url}/docs/assets/swagger-ui-bundle.js`)).status).toBe(200);
  });
});

describe('a migration through the API, with approval-gated deletion', () => {
  test('starts, is watched, reports, and deletes exactly the verified images of the approved album, once', async () => {
    const bucket = await versionedBucket('api-delete');
    const started = await testbed.api.call('POST', '/v1/migrations', {
      account: account(),
      migrationId: 'del',
      target: { bucket, prefix: 'p' },
      deletion: { enabled: true, approvalTimeout: '5m' },
      keepOpenFor: '5m',
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      id: `migrate-${account()}-del`,
      uiUrl: expect.stringContaining('/workflows/migrate-'),
    });
    const id = started.body.id as string;

    const again = await testbed.api.call('POST', '/v1/migrations', {
      account: account(),
      migrationId: 'other',
      target: { bucket },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.runningId).toBe(id);

    const status = await testbed.api.waitFor(id, (s) => s.phase === 'awaiting-approval');
    expect(status).toMatchObject({
      status: 'RUNNING',
      counts: { albumsTotal: 3, albumsDone: 3, verified: 12 },
      deletion: { enabled: true, albumsDeleted: 0 },
    });
    expect(status.bytesPerSecond).toBeGreaterThan(0);
    const albums = await testbed.api.call('GET', `/v1/migrations/${id}/albums`);
    expect(albums.body.albums).toHaveLength(3);
    expect(albums.body.albums.every((a: { status: string }) => a.status === 'awaiting-approval')).toBe(true);
    const list = await testbed.api.call('GET', `/v1/migrations?account=${account()}&status=awaiting-approval`);
    expect(list.body.migrations.map((m: { id: string }) => m.id)).toEqual([id]);

    const report = await testbed.api.call('GET', `/v1/migrations/${id}/report`);
    expect(report.status).toBe(200);
    expect(report.body.report.totals).toMatchObject({ albums: 3, passed: 3, verifiedFiles: 12 });
    const digest = report.body.digest as string;
    expect((await counters()).deletions).toEqual([]);

    const target = [...testbed.sandbox.library.albums.values()][0];
    const targetImages = target.placements.map((p) => p.imageKey).sort();
    const wrong = await testbed.api.call('POST', `/v1/migrations/${id}/deletion/approve`, {
      approvedBy: 'Jane',
      albums: [target.albumKey],
      reportDigest: '0'.repeat(64),
    });
    expect(wrong.status).toBe(409);
    expect(wrong.body.error.message).toMatch(/digest does not match/);

    const dry = await testbed.api.call('POST', `/v1/migrations/${id}/deletion/approve`, {
      approvedBy: 'Jane',
      albums: [target.albumKey],
      reportDigest: digest,
      dryRun: true,
    });
    expect(dry.body).toMatchObject({ dryRun: true, approved: [target.albumKey] });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await counters()).deletions).toEqual([]);

    const approved = await testbed.api.call('POST', `/v1/migrations/${id}/deletion/approve`, {
      approvedBy: 'Jane',
      albums: [target.albumKey],
      reportDigest: digest,
    });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ approved: [target.albumKey], alreadyApproved: [], dryRun: false });
    await testbed.api.waitFor(id, (s) => s.deletion?.albumsDeleted === 1);
    const deletions = (await counters()).deletions;
    expect(deletions.map((d) => d.imageKey).sort()).toEqual(targetImages);
    expect(deletions.every((d) => d.albumKey === target.albumKey)).toBe(true);
    const log = JSON.parse(
      (
        await readObject(
          testbed.harness.s3,
          bucket,
          `p/_smugmug-s3-migration/del/albums/${target.albumKey}/deletion.json`,
        )
      ).toString(),
    );
    expect(log).toMatchObject({
      albumKey: target.albumKey,
      approval: { approvedBy: 'Jane', approvedAt: expect.any(String) },
      alreadyGone: [],
    });
    expect([...log.deleted].sort()).toEqual(targetImages);

    // The same request again is the same approval; a new approval of the same album finds it approved.
    const twice = await testbed.api.call('POST', `/v1/migrations/${id}/deletion/approve`, {
      approvedBy: 'Jane',
      albums: [target.albumKey],
      reportDigest: digest,
    });
    expect(twice).toMatchObject({ status: 200, body: approved.body });
    const res = await fetch(`${testbed.api.url}/v1/migrations/${id}/deletion/approve`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${TEST_API_TOKEN}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': 'another-approval',
      },
      body: JSON.stringify({ approvedBy: 'Joe', albums: [target.albumKey], reportDigest: digest }),
    });
    expect(await res.json()).toMatchObject({ approved: [], alreadyApproved: [target.albumKey] });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await counters()).deletions).toHaveLength(deletions.length);

    expect((await testbed.api.call('POST', `/v1/migrations/${id}/cancel`)).status).toBe(202);
    await testbed.api.waitFor(id, (s) => s.status === 'CANCELLED');
    expect((await counters()).deletions).toHaveLength(deletions.length);
  }, 120_000);

  test('without versioning on the bucket an approval is refused with the reason, and nothing is deleted', async () => {
    const bucket = await createTestBucket(testbed.harness.s3, 'api-noversion');
    const started = await testbed.api.call('POST', '/v1/migrations', {
      account: account(),
      migrationId: 'nover',
      target: { bucket },
      deletion: { enabled: true, approvalTimeout: '5m' },
      keepOpenFor: '5m',
    });
    const id = started.body.id as string;
    await testbed.api.waitFor(id, (s) => s.phase === 'awaiting-approval');
    const before = (await counters()).deletions.length;
    const { digest } = (await testbed.api.call('GET', `/v1/migrations/${id}/report`)).body;
    const refused = await testbed.api.call('POST', `/v1/migrations/${id}/deletion/approve`, {
      approvedBy: 'Jane',
      albums: 'all',
      reportDigest: digest,
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/versioning/);
    expect((await counters()).deletions).toHaveLength(before);
    await testbed.api.call('POST', `/v1/migrations/${id}/cancel`);
    await testbed.api.waitFor(id, (s) => s.status === 'CANCELLED');
  }, 120_000);
});

describe('an approval that never comes', () => {
  test('leaves the originals in place, says so, and the run completes', async () => {
    const bucket = await versionedBucket('api-expire');
    const started = await testbed.api.call('POST', '/v1/migrations', {
      account: account(),
      migrationId: 'expire',
      target: { bucket },
      deletion: { enabled: true, approvalTimeout: '2s' },
    });
    const id = started.body.id as string;
    const before = (await counters()).deletions.length;
    const done = await testbed.api.waitFor(id, (s) => s.status === 'COMPLETED');
    expect(done).toMatchObject({
      phase: 'completed',
      deletion: { enabled: true, albumsApproved: 0, albumsDeleted: 0, albumsExpired: 3, imagesDeleted: 0 },
    });
    expect((await counters()).deletions).toHaveLength(before);
    const albums = (await testbed.api.call('GET', `/v1/migrations/${id}/albums`)).body.albums as Array<{
      status: string;
    }>;
    expect(albums.map((a) => a.status)).toEqual(['approval-expired', 'approval-expired', 'approval-expired']);
  }, 120_000);
});

describe('retrying failed albums through the API', () => {
  test('an album whose downloads fail ends the run "completed with failures"; after the fault clears, retry-failed copies only that album', async () => {
    const bucket = await createTestBucket(testbed.harness.s3, 'api-retry');
    const broken = [...testbed.sandbox.library.albums.values()][1];
    const brokenImages = broken.placements.map((p) => p.imageKey);
    await fetch(`${testbed.sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify(
        brokenImages.map((key) => ({ kind: 'not-found', target: 'media', pathContains: key, times: 1000 })),
      ),
    });
    const started = await testbed.api.call('POST', '/v1/migrations', {
      account: account(),
      migrationId: 'retry',
      target: { bucket },
      keepOpenFor: '5m',
    });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    const failed = await testbed.api.waitFor(id, (s) => s.phase === 'completed-with-failures');
    expect(failed).toMatchObject({ status: 'RUNNING', counts: { albumsDone: 2, albumsFailed: 1 } });
    expect(Object.keys(failed.failedAlbums)).toEqual([broken.albumKey]);
    expect(failed.failedAlbums[broken.albumKey]).toMatch(/gone \(HTTP 404\)/);

    const notFailed = [...testbed.sandbox.library.albums.values()][0].albumKey;
    const refused = await testbed.api.call('POST', `/v1/migrations/${id}/albums/${notFailed}/retry`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/Not failed/);

    await fetch(`${testbed.sandbox.url}/__sandbox/faults`, { method: 'DELETE' });
    const before = (await counters()).mediaRequestsByImage;
    const retried = await testbed.api.call('POST', `/v1/migrations/${id}/retry-failed`);
    expect(retried.status).toBe(202);
    expect(retried.body.retried).toEqual([broken.albumKey]);
    const done = await testbed.api.waitFor(id, (s) => s.status === 'COMPLETED');
    expect(done).toMatchObject({ phase: 'completed', counts: { albumsDone: 3, albumsFailed: 0 } });

    const after = (await counters()).mediaRequestsByImage;
    for (const [key, count] of Object.entries(after)) {
      if (brokenImages.includes(key)) expect(count).toBeGreaterThan(before[key] ?? 0);
      else expect(count).toBe(before[key]);
    }
    const albums = (await testbed.api.call('GET', `/v1/migrations/${id}/albums`)).body.albums as Array<{
      workflowId: string;
      status: string;
    }>;
    expect(albums.map((a) => a.workflowId)).toContain(`${id}/album-${broken.albumKey}/retry-1`);
  }, 120_000);
});
