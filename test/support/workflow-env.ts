import { ApplicationFailure } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../activities';
import type { ArchiveRestoreInput, RestoreProgress } from '../../common/archive';
import { MigrationInput, type MigrationInputRequest } from '../../common/migration-input';
import type { AlbumPlan, DeletionSummary, VerificationSummary } from '../../common/migration-types';
import type { AlbumRef, BucketReport } from '../../common/records';
import { SEARCH_ATTRIBUTES } from '../../common/search-attributes';
import type { SmugMugRestoreInput } from '../../common/smugmug-restore';
import { resolveTestServer } from '../../local-stack/java-tools';

/**
 * Temporal's time-skipping test server, for the workflow tier: the workflows run as they do in
 * production, their activities are fakes, and timers of days (approval windows, keep-open) pass in
 * moments, so their logic is tested as it runs, without waiting.
 */
export async function startTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: await resolveTestServer() } },
  });
  // The test server lists no search attributes, but registers them.
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      SEARCH_ATTRIBUTES.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD]),
    ),
  });
  return env;
}

/**
 * The time-skipping environment of one test file: started before its tests (the test server takes
 * seconds), torn down after them. Call at the top of a file or a describe; use the getter in tests.
 */
export function timeSkippingEnvForTests(): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  beforeAll(async () => {
    env = await startTimeSkippingEnv();
  }, 120_000);
  afterAll(() => env?.teardown());
  return () => env!;
}

/** Runs `fn` with a worker of the real workflows and these activities, on a task queue of its own. */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  activities: Partial<Activities>,
  fn: (taskQueue: string) => Promise<T>,
): Promise<T> {
  const taskQueue = `wf-${Math.random().toString(36).slice(2)}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowsPath: require.resolve('../../workflows'),
    activities,
  });
  return worker.runUntil(fn(taskQueue));
}

/** Waits until `check` holds, asking again every few milliseconds (a query of a workflow, the fakes' calls). */
export async function until(check: () => Promise<boolean> | boolean): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

/** A migration input for the fake account (`jane`, bucket `my-bucket`), with what the test changes. */
export const migrationInput = (request: Partial<MigrationInputRequest> = {}) =>
  MigrationInput.parse({ migrationId: 'wf', account: 'jane', target: { bucket: 'my-bucket' }, ...request });

const ok = { status: 'ok' as const, detail: '' };
export const protectedBucket = (bucket: string): BucketReport => ({
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
    objectLock: ok,
  },
});

export interface FakeAccountOptions {
  /** Albums whose planning fails (an original that is gone). */
  failing?: Set<string>;
  /** Held items each album's verification leaves (transcodes, originals that do not open). */
  heldPerAlbum?: number;
  /** Each album's photo has a RAW (a large component, in a batch of its own) that is copied, or whose copy fails for good. */
  raw?: 'copied' | 'not-copied';
}

/**
 * A fake account of `albums` albums, one file each, with the activities the workflows call, and
 * what they were asked to do: planning calls and their concurrency, the deletions (with the
 * approval each carried), the failed-album markers.
 */
export function fakeAccount(albums: number, opts: FakeAccountOptions = {}) {
  const refs: AlbumRef[] = Array.from({ length: albums }, (_, i) => ({
    albumKey: `A${i}`,
    nodeId: `n${i}`,
    name: `Album ${i}`,
    path: [`Album ${i}`],
  }));
  const failedMarkers = new Set<string>();
  const planning = { now: 0, most: 0, calls: [] as string[] };
  const deletions: Array<Parameters<Activities['deleteOriginals']>[0]> = [];
  const deleted: string[] = [];
  const heldLeft = new Map<string, number>();
  const originalsGone = new Set<string>();
  const activities: Partial<Activities> = {
    async checkMigrationTarget() {},
    async preflightBucket({ bucket }) {
      return protectedBucket(bucket);
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
    async planAlbum({ album }): Promise<AlbumPlan> {
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
        files: opts.raw ? 2 : 1,
        bytes: opts.raw ? 110 : 10,
        alreadyPresent: 0,
        alreadyPresentBytes: 0,
        unavailable: 0,
        batches: [
          { index: 0, kind: 'small', files: 1, bytes: 10 },
          ...(opts.raw ? [{ index: 1, kind: 'large' as const, files: 1, bytes: 100, components: true }] : []),
        ],
      };
    },
    async transferSmallFiles() {
      return { files: 1, bytes: 10, alreadyPresent: 0 };
    },
    async transferLargeFile() {
      if (opts.raw === 'not-copied')
        throw ApplicationFailure.nonRetryable('The original at /R/P1.rw2 is gone (HTTP 404)', 'OriginalNotFound');
      return { files: 1, bytes: 100, alreadyPresent: 0 };
    },
    async verifyAlbum(): Promise<VerificationSummary> {
      return {
        reportKey: 'r',
        manifestKey: 'm',
        verified: 1,
        failed: 0,
        unavailable: 0,
        deepChecked: 0,
        passed: true,
        held: opts.heldPerAlbum ?? 0,
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
    // As the real one: the verified original goes once, the held items only when the approval names
    // them (every one of them, here), and a dry run deletes nothing but says what would go.
    async deleteOriginals(input): Promise<DeletionSummary> {
      deletions.push(input);
      const { albumKey, approval } = input;
      const held = heldLeft.get(albumKey) ?? opts.heldPerAlbum ?? 0;
      const included = approval.includeHeld ? held : 0;
      const going = (originalsGone.has(albumKey) ? 0 : 1) + included;
      if (approval.dryRun)
        return {
          albumKey,
          status: 'dry-run',
          deleted: going,
          alreadyGone: 0,
          held: held - included,
          heldIncluded: included,
        };
      deleted.push(albumKey);
      originalsGone.add(albumKey);
      heldLeft.set(albumKey, held - included);
      return {
        albumKey,
        status: 'deleted',
        deleted: going,
        alreadyGone: 0,
        held: held - included,
        heldIncluded: included,
      };
    },
  };
  return { refs, activities, planning, deletions, deleted, failedMarkers };
}

/**
 * Restore activities of a fake archive: each album of `files` files, all archived; the first call
 * requests them all, later calls find them ongoing until `readyAfter` calls, then readable.
 */
export function fakeRestores(files: number, readyAfter: number) {
  const calls: string[] = [];
  const webhook: RestoreProgress[] = [];
  const activities: Partial<Activities> = {
    async restoreAlbumFiles({ album }) {
      const call = calls.filter((a) => a === album.albumKey).length;
      calls.push(album.albumKey);
      const ready = call + 1 >= readyAfter;
      return {
        albumKey: album.albumKey,
        name: album.name,
        files,
        available: ready ? files : 0,
        ongoing: ready ? 0 : files,
        requested: call === 0 ? files : 0,
        expiresAt: ready ? '2026-12-13T00:00:00.000Z' : undefined,
      };
    },
    async notifyRestoreWebhook(progress) {
      webhook.push(progress);
      return { delivered: true };
    },
  };
  return { activities, calls, webhook };
}

export const restoreInput = (albums: number, checkEvery = '15m'): ArchiveRestoreInput => ({
  bucket: 'my-bucket',
  prefix: '',
  restoreId: '20261206040000-abcdef',
  tier: 'Bulk',
  days: 7,
  checkEvery,
  albums: Array.from({ length: albums }, (_, i) => ({
    albumKey: `A${i}`,
    name: `Album ${i}`,
    manifestKey: `Album ${i}/album.json`,
  })),
});

/**
 * The way back's activities, faked: each album of `images` images, `unreadable` of them archived
 * and not yet readable; `failing` albums fail `failRuns` runs of their structure step with a
 * permanent error. The thaw itself runs through fakeRestores.
 */
export function fakeWayBack(opts: { images: number; unreadable?: number; failing?: string[]; failRuns?: number }) {
  const calls: string[] = [];
  const failures = new Map<string, number>();
  const thaw = fakeRestores(opts.unreadable ?? 0, 2);
  const activities: Partial<Activities> = {
    ...thaw.activities,
    async prepareAlbumRestore({ album }) {
      calls.push(`prepare ${album.albumKey}`);
      const unreadable = thaw.calls.includes(album.albumKey) ? 0 : (opts.unreadable ?? 0);
      return { images: opts.images, parts: Math.max(1, Math.ceil(opts.images / 5000)), unreadable };
    },
    async makeRestoreAlbums({ album, parts }) {
      calls.push(`structure ${album.albumKey}`);
      const failed = failures.get(album.albumKey) ?? 0;
      if (opts.failing?.includes(album.albumKey) && failed < (opts.failRuns ?? 1)) {
        failures.set(album.albumKey, failed + 1);
        throw ApplicationFailure.nonRetryable(`SmugMug refused ${album.name}`, 'SmugMugRefusedWrite');
      }
      return Array.from({ length: parts }, (_, i) => ({
        part: i + 1,
        name: i === 0 ? album.name : `${album.name} (${i + 1})`,
        urlName: `U-${album.albumKey}-${i + 1}`,
        albumUri: `/api/v2/album/N${album.albumKey}${i + 1}`,
        nodeUri: `/api/v2/node/N${album.albumKey}${i + 1}`,
      }));
    },
    async uploadRestorePart({ album, target }) {
      calls.push(`upload ${album.albumKey} ${target.part}`);
      return { uploaded: Math.min(5000, opts.images - (target.part - 1) * 5000), alreadyThere: 0, refused: [] };
    },
    async checkRestoredAlbum({ album, targets, restoreId, thawed }) {
      calls.push(`check ${album.albumKey}`);
      return {
        albumKey: album.albumKey,
        name: album.name,
        path: album.path,
        targets,
        images: opts.images,
        counts: { identical: opts.images, 're-encoded': 0, converted: 0, missing: 0, refused: 0, differs: 0 },
        ok: true,
        reportKey: `_restores/${restoreId}/albums/${album.albumKey}.json`,
        thawed,
      };
    },
    async writeSmugMugRestoreReport({ restore }) {
      calls.push('report');
      return `_restores/${restore.restoreId}/report.json`;
    },
  };
  return { activities, calls, thaw };
}

export const wayBackInput = (albums: number): SmugMugRestoreInput => ({
  bucket: 'my-bucket',
  prefix: 'lib',
  restoreId: '20261207040000-abcdef',
  account: 'jane',
  under: [],
  tier: 'Bulk',
  days: 3,
  checkEvery: '15m',
  albums: Array.from({ length: albums }, (_, i) => ({
    albumKey: `A${i}`,
    name: `Album ${i}`,
    path: ['Travel', `Album ${i}`],
    manifestKey: `lib/Travel/Album ${i}/album.json`,
  })),
});
