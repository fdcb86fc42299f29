import type { Duration, MetricCounter } from '@temporalio/common';
import { errorType } from '../common/error-types';
import {
  allHandlersFinished,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  metricMeter,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { albumWorkflowId } from '../common/ids';
import type { MigrationInput } from '../common/migration-input';
import {
  type AlbumRef,
  type AlbumSummary,
  type ApprovalRequest,
  type BucketReport,
  type DeletionCounts,
  type DeletionSummary,
  type DiscoveryResult,
  FILE_TOTAL_KEYS,
  type MigrationCounts,
  type MigrationPhase,
  type MigrationProgress,
  noFileTotals,
  type ReportRef,
  type RetryRequest,
  type RetryResult,
  type ApprovalResult,
} from '../common/migration-types';
import { metadataActivity, quickCheckActivity } from './activity-options';
import { albumMigration } from './album-migration';
import {
  albumDeletionSettled,
  albumSettled,
  approveAlbumDeletion,
  approveDeletion,
  migrationProgress,
  retryAlbums,
} from './messages';
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

const { preflightBucket, discoverAlbums, readAlbums, findAlbums, writeMigrationReport } =
  proxyActivities<Activities>(metadataActivity);
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
    phase: 'preflight',
    nextAlbumIndex: 0,
    inFlight: {},
    failedAlbums: {},
    verifiedAlbums: [],
    approvedAlbums: [],
    deletionSettled: [],
    retries: {},
    retryQueue: [],
    reportStale: true,
    continuedAsNew: 0,
    counts: { albumsTotal: 0, albumsDone: 0, albumsFailed: 0, ...noFileTotals() },
    deletion: {
      enabled: input.deletion.enabled,
      albumsApproved: 0,
      albumsDeleted: 0,
      albumsExpired: 0,
      imagesDeleted: 0,
      imagesAlreadyGone: 0,
    },
  };
}

/**
 * The state of one run of an account's migration and what can happen to it, as named methods: the
 * albums' reports, retries, approvals, and the steps of the run. Handlers and the main function
 * below only call these.
 */
class MigrationRun {
  /** Bumped by every message a person or an album sends: the run wakes up to look again. */
  news = 0;
  private readonly self = workflowInfo().workflowId;
  // Replay-safe: the SDK emits workflow metrics only on first execution.
  private readonly approvals: MetricCounter = metricMeter.createCounter(
    'smugmug_s3_album_approvals',
    'albums',
    'Albums approved for deletion of their originals',
  );

  constructor(
    private readonly input: MigrationInput,
    readonly state: CarriedState,
  ) {}

  get inFlightCount(): number {
    return Object.keys(this.state.inFlight).length;
  }

  progress(): MigrationProgress {
    const { input, state } = this;
    return {
      migrationId: input.migrationId,
      phase: state.phase,
      target: { bucket: input.target.bucket, prefix: input.target.prefix },
      counts: state.counts,
      inFlight: Object.values(state.inFlight),
      failedAlbums: state.failedAlbums,
      report: state.reportStale ? undefined : state.report,
      deletion: state.deletion,
      bucket: state.bucket,
      continuedAsNew: state.continuedAsNew,
    };
  }

  setPhase(phase: MigrationPhase): void {
    this.state.phase = phase;
    upsertSearchAttributes([migrationPhase(phase)]);
  }

  /** An album verified or failed (signal). */
  onAlbumSettled(summary: AlbumSummary): void {
    const { state } = this;
    if (!(summary.albumKey in state.inFlight)) return;
    delete state.inFlight[summary.albumKey];
    const c = state.counts;
    if (summary.status === 'failed') {
      c.albumsFailed += 1;
      if (Object.keys(state.failedAlbums).length < MAX_FAILED_LISTED)
        state.failedAlbums[summary.albumKey] = summary.error ?? 'failed';
    } else {
      c.albumsDone += 1;
      // Summaries and counts from before a total existed lack it.
      for (const key of FILE_TOTAL_KEYS) c[key] = (c[key] ?? 0) + (summary[key] ?? 0);
      if (summary.status === 'verified') state.verifiedAlbums.push(summary.albumKey);
    }
    state.reportStale = true;
    this.news += 1;
  }

  /** An album's originals went, or its approval window passed (signal); later words of albums keeping held items. */
  onAlbumDeletionSettled(outcome: DeletionSummary): void {
    const { state } = this;
    const d = state.deletion;
    state.heldWaiting ??= [];
    const waiting = state.heldWaiting.indexOf(outcome.albumKey);
    if (state.deletionSettled.includes(outcome.albumKey)) {
      // A later word of an album that kept held items: what a second approval deleted, or that it is done.
      if (waiting < 0) return;
      d.imagesDeleted += outcome.deleted;
      d.imagesAlreadyGone += outcome.alreadyGone;
      if (outcome.final !== false) state.heldWaiting.splice(waiting, 1);
      this.news += 1;
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
    this.news += 1;
  }

  /** Starts an album's run (its first, or a retry). */
  async launch(album: AlbumRef): Promise<void> {
    const { input, state, self } = this;
    const retry = state.retries[album.albumKey] ?? 0;
    const workflowId = albumWorkflowId(self, album.albumKey, retry);
    state.inFlight[album.albumKey] = workflowId;
    // Abandoned on purpose: albums outlive a continue-as-new and report back by signal.
    await startChild(albumMigration, {
      workflowId,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [
        {
          migrationId: input.migrationId,
          account: input.account,
          target: input.target,
          dryRun: input.dryRun,
          verification: input.verification,
          metadata: input.metadata,
          deletion: input.deletion,
          album,
          retry,
        },
      ],
      typedSearchAttributes: [
        { key: SmugMugAccount, value: input.account },
        { key: AlbumKey, value: album.albumKey },
        albumStatus('running'),
        { key: MigrationId, value: self },
      ],
      staticSummary: `Album ${album.path.join(' / ')}${retry > 0 ? ` (retry ${retry})` : ''}`,
    });
  }

  validateRetry(request: RetryRequest): void {
    const { state } = this;
    if (!state.discovery) throw new Error('The migration has not discovered its albums yet');
    if (!request.albumKeys && state.counts.albumsFailed === 0) throw new Error('No album has failed: nothing to retry');
    const running = (request.albumKeys ?? []).filter((k) => k in state.inFlight);
    if (running.length > 0) throw new Error(`Running now, so not retried: ${running.join(', ')}`);
  }

  /** Before the retry queue: every asked album started at once (kept for runs already in flight). */
  async retryAtOnce(request: RetryRequest): Promise<RetryResult> {
    const { input, state } = this;
    const keys = request.albumKeys ?? Object.keys(state.failedAlbums);
    const albums = await findAlbums({
      bucket: input.target.bucket,
      albumsKey: state.discovery!.albumsKey,
      albumKeys: keys,
    });
    for (const album of albums) {
      delete state.failedAlbums[album.albumKey];
      state.counts.albumsFailed -= 1;
      state.retries[album.albumKey] = (state.retries[album.albumKey] ?? 0) + 1;
      await this.launch(album);
    }
    this.setPhase('migrating');
    this.news += 1;
    return { retried: albums.map((a) => a.albumKey) };
  }

  /**
   * Queues failed albums to run again, every one of them however many failed (the bucket's markers
   * list them all; the reasons shown here are only the first ones), started within `albumConcurrency`.
   */
  async queueRetries(request: RetryRequest): Promise<RetryResult> {
    const { input, state } = this;
    const listed = await listFailedAlbums({ migrationId: input.migrationId, target: input.target });
    const failed = new Set([...listed, ...Object.keys(state.failedAlbums)]);
    const busy = new Set([...Object.keys(state.inFlight), ...(state.retryQueue ?? [])]);
    const notFailed = (request.albumKeys ?? []).filter((k) => !failed.has(k) || busy.has(k));
    if (notFailed.length > 0)
      throw ApplicationFailure.nonRetryable(
        `Not failed, so not retried: ${notFailed.join(', ')}`,
        errorType('NotFailed'),
      );
    const keys = (request.albumKeys ?? [...failed]).filter((k) => !busy.has(k));
    if (keys.length === 0)
      throw ApplicationFailure.nonRetryable('No album has failed: nothing to retry', errorType('NotFailed'));
    state.retryQueue ??= [];
    for (const key of keys) {
      delete state.failedAlbums[key];
      state.counts.albumsFailed = Math.max(0, state.counts.albumsFailed - 1);
      state.retries[key] = (state.retries[key] ?? 0) + 1;
      state.retryQueue.push(key);
    }
    this.setPhase('migrating');
    this.news += 1;
    return { retried: keys };
  }

  /** Retries are queued, and started as `albumConcurrency` allows. */
  get retryWaiting(): boolean {
    return (this.state.retryQueue?.length ?? 0) > 0 && this.inFlightCount < this.input.albumConcurrency;
  }

  /** Starts queued retries as `albumConcurrency` allows, a page of album records at a time. */
  async launchQueuedRetries(): Promise<void> {
    const { input, state } = this;
    const queue = state.retryQueue ?? [];
    while (queue.length > 0) {
      const keys = queue.slice(0, ALBUM_PAGE);
      const albums = await findAlbums({
        bucket: input.target.bucket,
        albumsKey: state.discovery!.albumsKey,
        albumKeys: keys,
      });
      for (const album of albums) {
        if (workflowInfo().continueAsNewSuggested) await this.carryOn();
        await condition(() => this.inFlightCount < input.albumConcurrency);
        queue.splice(queue.indexOf(album.albumKey), 1);
        await this.launch(album);
      }
      // Keys the album list no longer has cannot run: drop them rather than loop.
      for (const key of keys)
        if (queue.includes(key) && !albums.some((a) => a.albumKey === key)) queue.splice(queue.indexOf(key), 1);
    }
  }

  validateApproval(request: ApprovalRequest): void {
    const { input, state } = this;
    if (!input.deletion.enabled)
      throw new Error('This migration was started without deletion: nothing can be approved');
    if (!state.report || state.reportStale)
      throw new Error('The verification report is not ready yet: approve once the albums are verified');
    if (request.reportDigest !== state.report.digest)
      throw new Error('The report digest does not match the current report: read the report again, then approve');
    const wanted = request.albums === 'all' ? state.verifiedAlbums : request.albums;
    if (wanted.length === 0) throw new Error('No verified album to approve');
    const verified = new Set(state.verifiedAlbums);
    const unverified = wanted.filter((k) => !verified.has(k));
    if (unverified.length > 0) throw new Error(`Not verified, so their originals stay: ${unverified.join(', ')}`);
    const settledSet = new Set(state.deletionSettled);
    const approvedSet = new Set(state.approvedAlbums);
    const settled = wanted.filter((k) => settledSet.has(k) && !approvedSet.has(k));
    if (settled.length > 0) throw new Error(`The approval window of these albums has passed: ${settled.join(', ')}`);
  }

  /** A person's approval, fanned out to the albums it names (and to those keeping held items it names). */
  async approve(request: ApprovalRequest): Promise<ApprovalResult> {
    const { input, state, self } = this;
    // Versioning is checked again now: it may have changed since the start, and deletion needs it.
    const bucket = await preflightBucket({ bucket: input.target.bucket });
    state.bucket = bucket;
    if (bucket.versioning !== 'Enabled') {
      throw ApplicationFailure.nonRetryable(
        `Bucket ${bucket.bucket} has no versioning (${bucket.versioning}): enable it before approving deletion, so no copy can be lost by an overwrite`,
        errorType('VersioningRequired'),
      );
    }
    const wanted = request.albums === 'all' ? state.verifiedAlbums : request.albums;
    // Sets, not Array.includes: tens of thousands of albums must not make this quadratic.
    const approvedBefore = new Set(state.approvedAlbums);
    const alreadyApproved = request.dryRun ? [] : wanted.filter((k) => approvedBefore.has(k));
    const approved = request.dryRun ? wanted : wanted.filter((k) => !approvedBefore.has(k));
    const approvedAt = new Date().toISOString();
    // An approval naming held items reaches the albums approved before that still keep some.
    const heldWaiting = new Set(state.heldWaiting ?? []);
    const heldApproval =
      request.includeHeld && !request.dryRun ? alreadyApproved.filter((k) => heldWaiting.has(k)) : [];
    for (const albumKey of heldApproval) {
      const albumRun = albumWorkflowId(self, albumKey, state.retries[albumKey] ?? 0);
      await getExternalWorkflowHandle(albumRun)
        .signal(approveAlbumDeletion, {
          approvedBy: request.approvedBy,
          approvalId: request.approvalId,
          approvedAt,
          dryRun: false,
          includeHeld: request.includeHeld,
        })
        .catch(() => undefined);
    }
    for (const albumKey of approved) {
      const albumRun = albumWorkflowId(self, albumKey, state.retries[albumKey] ?? 0);
      await getExternalWorkflowHandle(albumRun).signal(approveAlbumDeletion, {
        approvedBy: request.approvedBy,
        approvalId: request.approvalId,
        approvedAt,
        dryRun: request.dryRun,
        includeHeld: request.includeHeld,
      });
      if (!request.dryRun) {
        this.approvals.add(1);
        state.approvedAlbums.push(albumKey);
        state.deletion.albumsApproved += 1;
      }
    }
    this.news += 1;
    return { approvalId: request.approvalId, approved, alreadyApproved, dryRun: request.dryRun };
  }

  continueAsNewDue(startedThisRun: number): boolean {
    return (
      workflowInfo().continueAsNewSuggested ||
      (this.input.continueAsNewAfterAlbums !== undefined && startedThisRun >= this.input.continueAsNewAfterAlbums)
    );
  }

  /** Continues as new once every handler is done, carrying the state. */
  async carryOn(): Promise<void> {
    await condition(allHandlersFinished);
    this.state.continuedAsNew += 1;
    await continueAsNew<typeof accountMigration>(this.input, this.state);
  }

  /** Checks the bucket (missing or denied: fails at once), unless a run before did. */
  async checkBucket(): Promise<void> {
    const { input, state } = this;
    if (state.bucket) return;
    setCurrentDetails(`Checking bucket ${input.target.bucket}`);
    state.bucket = await preflightBucket.executeWithOptions(
      { ...metadataActivity, summary: `Check bucket ${input.target.bucket}` },
      [{ bucket: input.target.bucket }],
    );
  }

  /** Walks the folder tree into the album list in the bucket, unless a run before did. */
  async discover(): Promise<DiscoveryResult> {
    const { input, state } = this;
    if (!state.discovery) {
      this.setPhase('discovering');
      setCurrentDetails(`Discovering the albums of ${input.account}`);
      state.discovery = await discoverAlbums.executeWithOptions(
        { ...metadataActivity, summary: `Discover the folders and albums of ${input.account}` },
        [{ migrationId: input.migrationId, account: input.account, target: input.target, albums: input.albums }],
      );
      state.counts.albumsTotal = state.discovery.albums;
      this.setPhase('migrating');
    }
    return state.discovery;
  }

  /** Starts every album once, a bounded number at a time, a page of the album list at a time. */
  async startAlbums(discovery: DiscoveryResult): Promise<void> {
    const { input, state } = this;
    let startedThisRun = 0;
    let page: AlbumRef[] = [];
    while (state.nextAlbumIndex < discovery.albums) {
      if (this.continueAsNewDue(startedThisRun)) await this.carryOn();
      await condition(() => this.inFlightCount < input.albumConcurrency);
      if (page.length === 0)
        page = await readAlbums({
          bucket: input.target.bucket,
          albumsKey: discovery.albumsKey,
          start: state.nextAlbumIndex,
          count: ALBUM_PAGE,
        });
      const album = page.shift()!;
      state.nextAlbumIndex += 1;
      startedThisRun += 1;
      await this.launch(album);
      setCurrentDetails(
        `Migrating: ${state.counts.albumsDone + state.counts.albumsFailed} of ${discovery.albums} albums finished, ${this.inFlightCount} in progress`,
      );
    }
  }

  /** Writes the verification report, when an album's outcome changed since the last one. */
  async writeReportIfStale(discovery: DiscoveryResult): Promise<void> {
    const { input, state } = this;
    if (!state.reportStale) return;
    state.report = await writeMigrationReport.executeWithOptions(
      { ...metadataActivity, summary: `Write the verification report of ${state.counts.albumsTotal} albums` },
      [
        {
          migrationId: input.migrationId,
          account: input.account,
          target: input.target,
          albumsKey: discovery.albumsKey,
          dryRun: input.dryRun,
        },
      ],
    );
    state.reportStale = this.inFlightCount > 0;
  }

  /** Says where the run stands once its albums are settled; true while it waits for a person (a retry, an approval). */
  reportStanding(): boolean {
    const { input, state } = this;
    const failed = state.counts.albumsFailed > 0;
    const deletionSettled = new Set(state.deletionSettled);
    const awaitingApproval =
      input.deletion.enabled &&
      !input.dryRun &&
      (state.verifiedAlbums.some((k) => !deletionSettled.has(k)) || (state.heldWaiting ?? []).length > 0);
    this.setPhase(awaitingApproval ? 'awaiting-approval' : failed ? 'completed-with-failures' : 'completed');
    setCurrentDetails(
      `${state.counts.albumsDone} albums migrated, ${state.counts.albumsFailed} failed` +
        (awaitingApproval
          ? `; originals of ${state.verifiedAlbums.length - state.deletionSettled.length} verified albums await an approval`
          : '') +
        (failed ? '; failed albums can be retried' : ''),
    );
    return failed || awaitingApproval;
  }

  /** Every album settled: report, then wait for retries and approvals until nothing is left to wait for or `keepOpenFor` passes. */
  async settleAndWaitForPeople(discovery: DiscoveryResult): Promise<void> {
    const { input } = this;
    for (;;) {
      await this.launchQueuedRetries();
      await condition(() => this.inFlightCount === 0 || workflowInfo().continueAsNewSuggested || this.retryWaiting);
      if (this.retryWaiting) continue;
      if (this.inFlightCount > 0) await this.carryOn();
      await this.writeReportIfStale(discovery);
      if (!this.reportStanding()) break;
      const seen = this.news;
      if (!(await condition(() => this.news !== seen, input.keepOpenFor as Duration))) break;
      if (workflowInfo().continueAsNewSuggested && this.inFlightCount === 0) await this.carryOn();
    }
  }

  /** The final phase, once nothing waits any more. */
  finish(): void {
    if (this.state.counts.albumsFailed > 0) this.setPhase('completed-with-failures');
    else if (this.state.phase === 'awaiting-approval') this.setPhase('completed');
  }

  /** Album runs are abandoned children: cancel them explicitly, those copying and those awaiting an approval. */
  async cancelAlbums(): Promise<void> {
    const { input, state, self } = this;
    const settled = new Set(state.deletionSettled);
    const waiting = state.verifiedAlbums
      .filter((k) => !settled.has(k))
      .map((k) => albumWorkflowId(self, k, state.retries[k] ?? 0));
    await CancellationScope.nonCancellable(async () => {
      for (const id of [...Object.values(state.inFlight), ...(input.deletion.enabled ? waiting : [])]) {
        await getExternalWorkflowHandle(id)
          .cancel()
          .catch(() => undefined);
      }
      this.setPhase('cancelled');
    });
  }
}

/**
 * Migrates a SmugMug account: checks the bucket, discovers the albums, and runs one album workflow
 * per album, a bounded number at a time; albums report back by signal, so runs can continue as new
 * without waiting for them. When all albums are settled it writes the verification report, then stays
 * open for retries of failed albums and, when deletion is enabled, for approvals, until nothing is
 * left to wait for or `keepOpenFor` passes without news.
 */
export async function accountMigration(input: MigrationInput, carried?: CarriedState): Promise<MigrationResult> {
  const run = new MigrationRun(input, carried ?? initialState(input));
  setHandler(migrationProgress, () => run.progress());
  setHandler(albumSettled, (summary) => run.onAlbumSettled(summary));
  setHandler(albumDeletionSettled, (outcome) => run.onAlbumDeletionSettled(outcome));
  setHandler(
    retryAlbums,
    (request) => (patched('retry-queue') ? run.queueRetries(request) : run.retryAtOnce(request)),
    {
      validator: (request: RetryRequest) => run.validateRetry(request),
    },
  );
  setHandler(approveDeletion, (request) => run.approve(request), {
    validator: (request: ApprovalRequest) => run.validateApproval(request),
  });

  try {
    await run.checkBucket();
    const discovery = await run.discover();
    await run.startAlbums(discovery);
    await run.settleAndWaitForPeople(discovery);
    run.finish();
    await condition(allHandlersFinished);
    return run.progress();
  } catch (err) {
    if (isCancellation(err)) await run.cancelAlbums();
    throw err;
  }
}
