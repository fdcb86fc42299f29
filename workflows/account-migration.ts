import type { Duration } from '@temporalio/common';
import { errorType } from '../common/error-types';
import {
  allHandlersFinished, ApplicationFailure, CancellationScope, condition, continueAsNew, getExternalWorkflowHandle, isCancellation, metricMeter, ParentClosePolicy,
  patched, proxyActivities, setCurrentDetails, setHandler, startChild, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { albumWorkflowId } from '../common/ids';
import type { MigrationInput } from '../common/migration-input';
import {
  type AlbumRef, type AlbumSummary, type ApprovalRequest, type BucketReport, type DeletionCounts, type DeletionSummary, type DiscoveryResult,
  FILE_TOTAL_KEYS, type MigrationCounts, type MigrationPhase, type MigrationProgress, noFileTotals, type ReportRef, type RetryRequest,
  type RetryResult,
} from '../common/migration-types';
import { metadataActivity, quickCheckActivity } from './activity-options';
import { albumMigration } from './album-migration';
import { albumDeletionSettled, albumSettled, approveAlbumDeletion, approveDeletion, migrationProgress, retryAlbums } from './messages';
import { AlbumKey, albumStatus, MigrationId, migrationPhase, SmugMugAccount } from './search-attributes';

/** What a run hands to the next when it continues as new: counters, a cursor and small key sets, never album lists. */
export interface CarriedState {
  phase: MigrationPhase;
  bucket?: BucketReport;
  discovery?: DiscoveryResult;
  nextAlbumIndex: number;
  counts: MigrationCounts;
  /** Album runs started and not yet settled: AlbumKey → its workflow id. */
  inFlight: Record<string, string>;
  failedAlbums: Record<string, string>;
  /** Verified albums (kept for the approval check), and those approved, settled or not. */
  verifiedAlbums: string[];
  approvedAlbums: string[];
  deletionSettled: string[];
  retries: Record<string, number>;
  /** Albums whose originals went but whose held items wait for an approval naming them. */
  heldWaiting?: string[];
  /** Failed albums asked to run again, started as the album concurrency allows (absent in runs from before the queue). */
  retryQueue?: string[];
  deletion: DeletionCounts;
  report?: ReportRef;
  /** The report no longer tells the latest album outcomes. */
  reportStale: boolean;
  continuedAsNew: number;
}

export type MigrationResult = MigrationProgress;

const { preflightBucket, discoverAlbums, readAlbums, findAlbums, writeMigrationReport } = proxyActivities<Activities>(metadataActivity);
/** Read while a person waits for the answer to a retry: an outage fails the request (try again), not waits in it. */
const { listFailedAlbums } = proxyActivities<Activities>(quickCheckActivity);

const ALBUM_PAGE = 100;
/**
 * Failure reasons shown in the migration's progress; the complete list of failed albums is in the
 * bucket (a marker per album, activities/failed-albums.ts), which retries and the API page over.
 */
const MAX_FAILED_LISTED = 200;

function initialState(input: MigrationInput): CarriedState {
  return {
    phase: 'preflight', nextAlbumIndex: 0, inFlight: {}, failedAlbums: {}, verifiedAlbums: [], approvedAlbums: [], deletionSettled: [],
    retries: {}, retryQueue: [], reportStale: true, continuedAsNew: 0,
    counts: { albumsTotal: 0, albumsDone: 0, albumsFailed: 0, ...noFileTotals() },
    deletion: { enabled: input.deletion.enabled, albumsApproved: 0, albumsDeleted: 0, albumsExpired: 0, imagesDeleted: 0, imagesAlreadyGone: 0 },
  };
}

/**
 * Migrates a SmugMug account: checks the bucket, discovers the albums, and runs one album workflow
 * per album, a bounded number at a time; albums report back by signal, so runs can continue as new
 * without waiting for them. When all albums are settled it writes the verification report, then stays
 * open for retries of failed albums and, when deletion is enabled, for approvals, until nothing is
 * left to wait for or `keepOpenFor` passes without news.
 */
export async function accountMigration(input: MigrationInput, carried?: CarriedState): Promise<MigrationResult> {
  const state = carried ?? initialState(input);
  const self = workflowInfo().workflowId;
  // Replay-safe: the SDK emits workflow metrics only on first execution.
  const approvals = metricMeter.createCounter('smugmug_s3_album_approvals', 'albums', 'Albums approved for deletion of their originals');
  let news = 0;
  const progress = (): MigrationProgress => ({
    migrationId: input.migrationId, phase: state.phase, target: { bucket: input.target.bucket, prefix: input.target.prefix }, counts: state.counts, inFlight: Object.values(state.inFlight),
    failedAlbums: state.failedAlbums, report: state.reportStale ? undefined : state.report, deletion: state.deletion, bucket: state.bucket,
    continuedAsNew: state.continuedAsNew,
  });
  const setPhase = (phase: MigrationPhase) => {
    state.phase = phase;
    upsertSearchAttributes([migrationPhase(phase)]);
  };

  setHandler(migrationProgress, progress);
  setHandler(albumSettled, (summary: AlbumSummary) => {
    if (!(summary.albumKey in state.inFlight)) return;
    delete state.inFlight[summary.albumKey];
    const c = state.counts;
    if (summary.status === 'failed') {
      c.albumsFailed += 1;
      if (Object.keys(state.failedAlbums).length < MAX_FAILED_LISTED) state.failedAlbums[summary.albumKey] = summary.error ?? 'failed';
    } else {
      c.albumsDone += 1;
      // Summaries and counts from before a total existed lack it.
      for (const key of FILE_TOTAL_KEYS) c[key] = (c[key] ?? 0) + (summary[key] ?? 0);
      if (summary.status === 'verified') state.verifiedAlbums.push(summary.albumKey);
    }
    state.reportStale = true;
    news += 1;
  });
  setHandler(albumDeletionSettled, (outcome: DeletionSummary) => {
    const d = state.deletion;
    state.heldWaiting ??= [];
    const waiting = state.heldWaiting.indexOf(outcome.albumKey);
    if (state.deletionSettled.includes(outcome.albumKey)) {
      // A later word of an album that kept held items: what a second approval deleted, or that it is done.
      if (waiting < 0) return;
      d.imagesDeleted += outcome.deleted;
      d.imagesAlreadyGone += outcome.alreadyGone;
      if (outcome.final !== false) state.heldWaiting.splice(waiting, 1);
      news += 1;
      return;
    }
    state.deletionSettled.push(outcome.albumKey);
    if (outcome.final === false) state.heldWaiting.push(outcome.albumKey);
    if (outcome.status === 'expired') d.albumsExpired += 1;
    else {
      d.albumsDeleted += 1;
      d.imagesDeleted += outcome.deleted;
      d.imagesAlreadyGone += outcome.alreadyGone;
    }
    news += 1;
  });

  const launch = async (album: AlbumRef) => {
    const retry = state.retries[album.albumKey] ?? 0;
    const workflowId = albumWorkflowId(self, album.albumKey, retry);
    state.inFlight[album.albumKey] = workflowId;
    // Abandoned on purpose: albums outlive a continue-as-new and report back by signal.
    await startChild(albumMigration, {
      workflowId, parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [{ migrationId: input.migrationId, account: input.account, target: input.target, dryRun: input.dryRun, verification: input.verification, deletion: input.deletion, album, retry }],
      typedSearchAttributes: [
        { key: SmugMugAccount, value: input.account }, { key: AlbumKey, value: album.albumKey },
        albumStatus('running'), { key: MigrationId, value: self },
      ],
      staticSummary: `Album ${album.path.join(' / ')}${retry > 0 ? ` (retry ${retry})` : ''}`,
    });
  };

  /** Before the retry queue: every asked album started at once (kept for runs already in flight). */
  const retryAtOnce = async (request: RetryRequest): Promise<RetryResult> => {
    const keys = request.albumKeys ?? Object.keys(state.failedAlbums);
    const albums = await findAlbums({ bucket: input.target.bucket, albumsKey: state.discovery!.albumsKey, albumKeys: keys });
    for (const album of albums) {
      delete state.failedAlbums[album.albumKey];
      state.counts.albumsFailed -= 1;
      state.retries[album.albumKey] = (state.retries[album.albumKey] ?? 0) + 1;
      await launch(album);
    }
    setPhase('migrating');
    news += 1;
    return { retried: albums.map((a) => a.albumKey) };
  };

  /**
   * Queues failed albums to run again, every one of them however many failed (the bucket's markers
   * list them all; the reasons shown here are only the first ones), started within `albumConcurrency`.
   */
  const queueRetries = async (request: RetryRequest): Promise<RetryResult> => {
    const listed = await listFailedAlbums({ migrationId: input.migrationId, target: input.target });
    const failed = new Set([...listed, ...Object.keys(state.failedAlbums)]);
    const busy = new Set([...Object.keys(state.inFlight), ...(state.retryQueue ?? [])]);
    const notFailed = (request.albumKeys ?? []).filter((k) => !failed.has(k) || busy.has(k));
    if (notFailed.length > 0) throw ApplicationFailure.nonRetryable(`Not failed, so not retried: ${notFailed.join(', ')}`, errorType('NotFailed'));
    const keys = (request.albumKeys ?? [...failed]).filter((k) => !busy.has(k));
    if (keys.length === 0) throw ApplicationFailure.nonRetryable('No album has failed: nothing to retry', errorType('NotFailed'));
    state.retryQueue ??= [];
    for (const key of keys) {
      delete state.failedAlbums[key];
      state.counts.albumsFailed = Math.max(0, state.counts.albumsFailed - 1);
      state.retries[key] = (state.retries[key] ?? 0) + 1;
      state.retryQueue.push(key);
    }
    setPhase('migrating');
    news += 1;
    return { retried: keys };
  };

  setHandler(retryAlbums, (request: RetryRequest) => (patched('retry-queue') ? queueRetries(request) : retryAtOnce(request)), {
    validator: (request: RetryRequest) => {
      if (!state.discovery) throw new Error('The migration has not discovered its albums yet');
      if (!request.albumKeys && state.counts.albumsFailed === 0) throw new Error('No album has failed: nothing to retry');
      const running = (request.albumKeys ?? []).filter((k) => k in state.inFlight);
      if (running.length > 0) throw new Error(`Running now, so not retried: ${running.join(', ')}`);
    },
  });

  /** Starts queued retries as `albumConcurrency` allows, a page of album records at a time. */
  const launchQueuedRetries = async () => {
    const queue = state.retryQueue ?? [];
    while (queue.length > 0) {
      const keys = queue.slice(0, ALBUM_PAGE);
      const albums = await findAlbums({ bucket: input.target.bucket, albumsKey: state.discovery!.albumsKey, albumKeys: keys });
      for (const album of albums) {
        if (workflowInfo().continueAsNewSuggested) await carryOn();
        await condition(() => Object.keys(state.inFlight).length < input.albumConcurrency);
        queue.splice(queue.indexOf(album.albumKey), 1);
        await launch(album);
      }
      // Keys the album list no longer has cannot run: drop them rather than loop.
      for (const key of keys) if (queue.includes(key) && !albums.some((a) => a.albumKey === key)) queue.splice(queue.indexOf(key), 1);
    }
  };

  setHandler(approveDeletion, async (request: ApprovalRequest) => {
    // Versioning is checked again now: it may have changed since the start, and deletion needs it.
    const bucket = await preflightBucket({ bucket: input.target.bucket });
    state.bucket = bucket;
    if (bucket.versioning !== 'Enabled') {
      throw ApplicationFailure.nonRetryable(`Bucket ${bucket.bucket} has no versioning (${bucket.versioning}): enable it before approving deletion, so no copy can be lost by an overwrite`, errorType('VersioningRequired'));
    }
    const wanted = request.albums === 'all' ? state.verifiedAlbums : request.albums;
    // Sets, not Array.includes: tens of thousands of albums must not make this quadratic.
    const approvedBefore = new Set(state.approvedAlbums);
    const alreadyApproved = request.dryRun ? [] : wanted.filter((k) => approvedBefore.has(k));
    const approved = request.dryRun ? wanted : wanted.filter((k) => !approvedBefore.has(k));
    const approvedAt = new Date().toISOString();
    // An approval naming held items reaches the albums approved before that still keep some.
    const heldWaiting = new Set(state.heldWaiting ?? []);
    const heldApproval = request.includeHeld && !request.dryRun ? alreadyApproved.filter((k) => heldWaiting.has(k)) : [];
    for (const albumKey of heldApproval) {
      const albumRun = albumWorkflowId(self, albumKey, state.retries[albumKey] ?? 0);
      await getExternalWorkflowHandle(albumRun)
        .signal(approveAlbumDeletion, { approvedBy: request.approvedBy, approvalId: request.approvalId, approvedAt, dryRun: false, includeHeld: request.includeHeld })
        .catch(() => undefined);
    }
    for (const albumKey of approved) {
      const albumRun = albumWorkflowId(self, albumKey, state.retries[albumKey] ?? 0);
      await getExternalWorkflowHandle(albumRun).signal(approveAlbumDeletion, { approvedBy: request.approvedBy, approvalId: request.approvalId, approvedAt, dryRun: request.dryRun, includeHeld: request.includeHeld });
      if (!request.dryRun) {
        approvals.add(1);
        state.approvedAlbums.push(albumKey);
        state.deletion.albumsApproved += 1;
      }
    }
    news += 1;
    return { approvalId: request.approvalId, approved, alreadyApproved, dryRun: request.dryRun };
  }, {
    validator: (request: ApprovalRequest) => {
      if (!input.deletion.enabled) throw new Error('This migration was started without deletion: nothing can be approved');
      if (!state.report || state.reportStale) throw new Error('The verification report is not ready yet: approve once the albums are verified');
      if (request.reportDigest !== state.report.digest) throw new Error('The report digest does not match the current report: read the report again, then approve');
      const wanted = request.albums === 'all' ? state.verifiedAlbums : request.albums;
      if (wanted.length === 0) throw new Error('No verified album to approve');
      const verified = new Set(state.verifiedAlbums);
      const unverified = wanted.filter((k) => !verified.has(k));
      if (unverified.length > 0) throw new Error(`Not verified, so their originals stay: ${unverified.join(', ')}`);
      const settledSet = new Set(state.deletionSettled);
      const approvedSet = new Set(state.approvedAlbums);
      const settled = wanted.filter((k) => settledSet.has(k) && !approvedSet.has(k));
      if (settled.length > 0) throw new Error(`The approval window of these albums has passed: ${settled.join(', ')}`);
    },
  });

  const continueAsNewDue = (startedThisRun: number) =>
    workflowInfo().continueAsNewSuggested || (input.continueAsNewAfterAlbums !== undefined && startedThisRun >= input.continueAsNewAfterAlbums);
  const carryOn = async () => {
    await condition(allHandlersFinished);
    state.continuedAsNew += 1;
    await continueAsNew<typeof accountMigration>(input, state);
  };

  try {
    if (!state.bucket) {
      setCurrentDetails(`Checking bucket ${input.target.bucket}`);
      state.bucket = await preflightBucket.executeWithOptions({ ...metadataActivity, summary: `Check bucket ${input.target.bucket}` }, [{ bucket: input.target.bucket }]);
    }
    if (!state.discovery) {
      setPhase('discovering');
      setCurrentDetails(`Discovering the albums of ${input.account}`);
      state.discovery = await discoverAlbums.executeWithOptions(
        { ...metadataActivity, summary: `Discover the folders and albums of ${input.account}` },
        [{ migrationId: input.migrationId, account: input.account, target: input.target, albums: input.albums }],
      );
      state.counts.albumsTotal = state.discovery.albums;
      setPhase('migrating');
    }
    const discovery = state.discovery;

    let startedThisRun = 0;
    let page: AlbumRef[] = [];
    while (state.nextAlbumIndex < discovery.albums) {
      if (continueAsNewDue(startedThisRun)) await carryOn();
      await condition(() => Object.keys(state.inFlight).length < input.albumConcurrency);
      if (page.length === 0) page = await readAlbums({ bucket: input.target.bucket, albumsKey: discovery.albumsKey, start: state.nextAlbumIndex, count: ALBUM_PAGE });
      const album = page.shift()!;
      state.nextAlbumIndex += 1;
      startedThisRun += 1;
      await launch(album);
      setCurrentDetails(`Migrating: ${state.counts.albumsDone + state.counts.albumsFailed} of ${discovery.albums} albums finished, ${Object.keys(state.inFlight).length} in progress`);
    }

    // Every album started: settle, report, then wait for retries and approvals.
    for (;;) {
      await launchQueuedRetries();
      const retryWaiting = () => (state.retryQueue?.length ?? 0) > 0 && Object.keys(state.inFlight).length < input.albumConcurrency;
      await condition(() => Object.keys(state.inFlight).length === 0 || workflowInfo().continueAsNewSuggested || retryWaiting());
      if (retryWaiting()) continue;
      if (Object.keys(state.inFlight).length > 0) await carryOn();
      if (state.reportStale) {
        state.report = await writeMigrationReport.executeWithOptions(
          { ...metadataActivity, summary: `Write the verification report of ${state.counts.albumsTotal} albums` },
          [{ migrationId: input.migrationId, account: input.account, target: input.target, albumsKey: discovery.albumsKey }],
        );
        state.reportStale = Object.keys(state.inFlight).length > 0;
      }
      const failed = state.counts.albumsFailed > 0;
      const deletionSettled = new Set(state.deletionSettled);
      const awaitingApproval =
        input.deletion.enabled && !input.dryRun && (state.verifiedAlbums.some((k) => !deletionSettled.has(k)) || (state.heldWaiting ?? []).length > 0);
      setPhase(awaitingApproval ? 'awaiting-approval' : failed ? 'completed-with-failures' : 'completed');
      setCurrentDetails(
        `${state.counts.albumsDone} albums migrated, ${state.counts.albumsFailed} failed` +
          (awaitingApproval ? `; originals of ${state.verifiedAlbums.length - state.deletionSettled.length} verified albums await an approval` : '') +
          (failed ? '; failed albums can be retried' : ''),
      );
      if (!failed && !awaitingApproval) break;
      const seen = news;
      if (!(await condition(() => news !== seen, input.keepOpenFor as Duration))) break;
      if (workflowInfo().continueAsNewSuggested && Object.keys(state.inFlight).length === 0) await carryOn();
    }
    if (state.counts.albumsFailed > 0) setPhase('completed-with-failures');
    else if (state.phase === 'awaiting-approval') setPhase('completed');
    await condition(allHandlersFinished);
    return progress();
  } catch (err) {
    if (isCancellation(err)) {
      // Album runs are abandoned children: cancel them explicitly, those copying and those awaiting an approval.
      const settled = new Set(state.deletionSettled);
      const waiting = state.verifiedAlbums.filter((k) => !settled.has(k)).map((k) => albumWorkflowId(self, k, state.retries[k] ?? 0));
      await CancellationScope.nonCancellable(async () => {
        for (const id of [...Object.values(state.inFlight), ...(input.deletion.enabled ? waiting : [])]) {
          await getExternalWorkflowHandle(id).cancel().catch(() => undefined);
        }
        setPhase('cancelled');
      });
    }
    throw err;
  }
}
