import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../activities';
import { MigrationInput, type MigrationInputRequest } from '../../common/migration-input';
import type { AlbumRef } from '../../common/migration-types';
import { resolveTestServer } from '../../local-stack/java-tools';
import { temporal } from '@temporalio/proto';
import { searchAttributes } from '../../workflows/search-attributes';
import { accountMigration } from '../../workflows/account-migration';
import { albumMigration } from '../../workflows/album-migration';
import { retryAlbums } from '../../workflows/messages';

/**
 * The account and album workflows on Temporal's time-skipping test server, with activities
 * mocked: timers of days (approval windows, keep-open) pass in moments, so their logic is tested
 * as it runs, without waiting.
 */
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: await resolveTestServer() } },
  });
  // The test server lists no search attributes, but registers them.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      searchAttributes.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    ),
  });
}, 120_000);
afterAll(() => env?.teardown());

const DAY = 24 * 3600 * 1000;

/** A fake account of `albums` albums, one file each, with the activities the workflows call; `failing` albums fail to plan. */
function fakeAccount(albums: number, opts: { failing?: Set<string> } = {}) {
  const refs: AlbumRef[] = Array.from({ length: albums }, (_, i) => ({
    albumKey: `A${i}`,
    nodeId: `n${i}`,
    name: `Album ${i}`,
    path: [`Album ${i}`],
  }));
  const failedMarkers = new Set<string>();
  const planning = { now: 0, most: 0, calls: [] as string[] };
  const deleted: string[] = [];
  const activities: Partial<Activities> = {
    async checkMigrationTarget() {},
    async preflightBucket({ bucket }) {
      const ok = { status: 'ok' as const, detail: '' };
      return {
        bucket,
        region: 'us-east-1',
        versioning: 'Enabled',
        encryption: 'AES256',
        checks: {
          versioning: ok,
          encryption: ok,
          publicAccessBlock: ok,
          tlsOnlyPolicy: ok,
          abortIncompleteUploads: ok,
          cors: ok,
        },
      };
    },
    async discoverAlbums() {
      return { albumsKey: 'albums.json', albums: refs.length, excluded: 0 };
    },
    async readAlbums({ start, count }) {
      return refs.slice(start, start + count);
    },
    async findAlbums({ albumKeys }) {
      return refs.filter((r) => albumKeys.includes(r.albumKey));
    },
    async planAlbum({ album }) {
      planning.calls.push(album.albumKey);
      planning.now += 1;
      planning.most = Math.max(planning.most, planning.now);
      await new Promise((r) => setTimeout(r, 20));
      planning.now -= 1;
      if (opts.failing?.has(album.albumKey))
        throw ApplicationFailure.nonRetryable(`The original of ${album.albumKey} is gone`, 'OriginalNotFound');
      return {
        planPrefix: `p/${album.albumKey}`,
        albumFolderKey: album.name,
        files: 1,
        bytes: 10,
        alreadyPresent: 0,
        alreadyPresentBytes: 0,
        unavailable: 0,
        batches: [{ index: 0, kind: 'small', files: 1, bytes: 10 }],
      };
    },
    async transferSmallFiles() {
      return { files: 1, bytes: 10, alreadyPresent: 0 };
    },
    async verifyAlbum() {
      return {
        reportKey: 'r',
        manifestKey: 'm',
        verified: 1,
        failed: 0,
        unavailable: 0,
        deepChecked: 0,
        passed: true,
        held: 0,
        warnings: 0,
      };
    },
    async cleanUpUploads() {
      return 0;
    },
    async recordAlbumOutcome({ albumKey, failure }) {
      if (failure) failedMarkers.add(albumKey);
      else failedMarkers.delete(albumKey);
    },
    async listFailedAlbums() {
      return [...failedMarkers];
    },
    async writeMigrationReport() {
      return { key: 'report.json', digest: 'd'.repeat(64) };
    },
    async deleteOriginals({ albumKey }) {
      deleted.push(albumKey);
      return { albumKey, status: 'deleted', deleted: 1, alreadyGone: 0, held: 0, heldIncluded: 0 };
    },
  };
  return { refs, activities, planning, deleted, failedMarkers };
}

async function withWorker<T>(activities: Partial<Activities>, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `wf-${Math.random().toString(36).slice(2)}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities,
  });
  return worker.runUntil(fn(taskQueue));
}

const input = (request: Partial<MigrationInputRequest>) =>
  MigrationInput.parse({ migrationId: 'wf', account: 'jane', target: { bucket: 'my-bucket' }, ...request });

describe('the migration workflows, with time skipping', () => {
  test('an album not approved within approvalTimeout keeps its originals: the window passes, nothing is deleted', async () => {
    const account = fakeAccount(1);
    await withWorker(account.activities, async (taskQueue) => {
      const started = await env.currentTimeMs();
      const result = await env.client.workflow.execute(albumMigration, {
        taskQueue,
        workflowId: 'album-expire',
        args: [{ ...input({ deletion: { enabled: true, approvalTimeout: '7 days' } }), album: account.refs[0] }],
      });
      expect(result).toMatchObject({ status: 'verified', deletion: { status: 'expired', deleted: 0 } });
      expect((await env.currentTimeMs()) - started).toBeGreaterThanOrEqual(7 * DAY);
      expect(account.deleted).toEqual([]);
    });
  });

  test('a run with failed albums stays open for keepOpenFor, then completes with failures', async () => {
    const account = fakeAccount(3, { failing: new Set(['A1']) });
    await withWorker(account.activities, async (taskQueue) => {
      const started = await env.currentTimeMs();
      const result = await env.client.workflow.execute(accountMigration, {
        taskQueue,
        workflowId: 'keep-open',
        args: [input({ keepOpenFor: '3 days' })],
      });
      expect(result).toMatchObject({
        phase: 'completed-with-failures',
        counts: { albumsDone: 2, albumsFailed: 1 },
        failedAlbums: { A1: expect.stringContaining('is gone') },
      });
      expect((await env.currentTimeMs()) - started).toBeGreaterThanOrEqual(3 * DAY);
      expect([...account.failedMarkers]).toEqual(['A1']);
    });
  });

  test('continue-as-new carries the run on: every album once, none lost', async () => {
    const account = fakeAccount(7);
    await withWorker(account.activities, async (taskQueue) => {
      const result = await env.client.workflow.execute(accountMigration, {
        taskQueue,
        workflowId: 'continue',
        args: [input({ continueAsNewAfterAlbums: 2, albumConcurrency: 2 })],
      });
      expect(result).toMatchObject({
        phase: 'completed',
        continuedAsNew: 3,
        counts: { albumsDone: 7, albumsFailed: 0, verified: 7 },
      });
      expect([...account.planning.calls].sort()).toEqual(account.refs.map((r) => r.albumKey).sort());
    });
  });

  test('retry-failed runs every failed album again, within albumConcurrency, and the run completes', async () => {
    const failing = new Set(['A0', 'A1', 'A2', 'A3', 'A4', 'A5']);
    const account = fakeAccount(8, { failing });
    await withWorker(account.activities, async (taskQueue) => {
      const handle = await env.client.workflow.start(accountMigration, {
        taskQueue,
        workflowId: 'retry',
        args: [input({ albumConcurrency: 2, keepOpenFor: '1 day' })],
      });
      while (
        ((await handle.query('migrationProgress').catch(() => undefined)) as { phase?: string } | undefined)?.phase !==
        'completed-with-failures'
      ) {
        await new Promise((r) => setTimeout(r, 50));
      }
      failing.clear();
      account.planning.most = 0;
      const retried = await handle.executeUpdate(retryAlbums, { args: [{}] });
      expect(retried.retried.sort()).toEqual(['A0', 'A1', 'A2', 'A3', 'A4', 'A5']);
      const result = await handle.result();
      expect(result).toMatchObject({ phase: 'completed', counts: { albumsDone: 8, albumsFailed: 0 } });
      expect(account.planning.most).toBeLessThanOrEqual(2);
      expect(account.failedMarkers.size).toBe(0);
    });
  });
});
