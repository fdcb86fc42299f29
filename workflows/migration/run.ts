import type { Duration } from '@temporalio/common';
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  ParentClosePolicy,
  setCurrentDetails,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { albumWorkflowId } from '../../common/ids';
import type { MigrationInput } from '../../common/migration-input';
import type { AlbumRunInput, AlbumSummary, DiscoveryResult } from '../../common/migration-types';
import { FILE_TOTAL_KEYS } from '../../common/migration-types';
import type { AlbumRef, MigrationPhase, MigrationProgress } from '../../common/records';
import {
  AccountAttribute,
  AlbumKeyAttribute,
  albumStatusAttribute,
  MigrationWorkflowIdAttribute,
  phaseAttribute,
} from '../../common/search-attributes';
import { WorkflowTypes } from '../../common/workflow-types';
import { metadataActivity } from '../activity-options';
import type { albumWorkflow } from '../album';
import { ALBUM_PAGE, discoverAlbums, preflightBucket, readAlbums, writeReports } from './activities';
import { Approvals } from './approvals';
import { RetryQueue } from './retry-queue';
import type { CarriedState } from './state';
import type { migrationWorkflow } from './workflow';

/**
 * Failure reasons shown in the migration's progress; the complete list of failed albums is in the
 * bucket (a marker per album, activities/failed-albums.ts), which retries and the API page over.
 */
const MAX_FAILED_LISTED = 200;

/**
 * One run of a migration (a continue-as-new starts another, with the carried state): its steps,
 * in the order the workflow takes them, and what its albums report back. Retries and approvals,
 * which a person sends, have classes of their own that work on the same state.
 */
export class MigrationRun {
  /** Bumped by every message a person or an album sends: the run wakes up to look again. */
  news = 0;
  readonly self = workflowInfo().workflowId;
  readonly retries = new RetryQueue(this);
  readonly approvals = new Approvals(this);

  constructor(
    readonly input: MigrationInput,
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
    upsertSearchAttributes([phaseAttribute(phase)]);
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

  /** The workflow id of an album's current run (its first, or its latest retry). */
  albumRunId(albumKey: string): string {
    return albumWorkflowId(this.self, albumKey, this.state.retries[albumKey] ?? 0);
  }

  /** Starts an album's run (its first, or a retry). */
  async launch(album: AlbumRef): Promise<void> {
    const { input, state, self } = this;
    const retry = state.retries[album.albumKey] ?? 0;
    const workflowId = albumWorkflowId(self, album.albumKey, retry);
    state.inFlight[album.albumKey] = workflowId;
    const albumInput: AlbumRunInput = {
      migrationId: input.migrationId,
      account: input.account,
      target: input.target,
      dryRun: input.dryRun,
      verification: input.verification,
      metadata: input.metadata,
      deletion: input.deletion,
      album,
      retry,
    };
    // Abandoned on purpose: albums outlive a continue-as-new and report back by signal.
    await startChild<typeof albumWorkflow>(WorkflowTypes.album, {
      workflowId,
      parentClosePolicy: ParentClosePolicy.ABANDON,
      args: [albumInput],
      typedSearchAttributes: [
        { key: AccountAttribute, value: input.account },
        { key: AlbumKeyAttribute, value: album.albumKey },
        albumStatusAttribute('running'),
        { key: MigrationWorkflowIdAttribute, value: self },
      ],
      staticSummary: `Album ${album.path.join(' / ')}${retry > 0 ? ` (retry ${retry})` : ''}`,
    });
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
    await continueAsNew<typeof migrationWorkflow>(this.input, this.state);
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

  /** Writes the reports (a dry run's plan, the verification report), when an album's outcome changed since the last ones. */
  async writeReportIfStale(discovery: DiscoveryResult): Promise<void> {
    const { input, state } = this;
    if (!state.reportStale) return;
    state.report = await writeReports.executeWithOptions(
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
    const awaitingApproval = input.deletion.enabled && !input.dryRun && this.approvals.awaited();
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
    const { input, retries } = this;
    for (;;) {
      await retries.launchQueued();
      await condition(() => this.inFlightCount === 0 || workflowInfo().continueAsNewSuggested || retries.waiting);
      if (retries.waiting) continue;
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
    const { input, state } = this;
    const waiting = this.approvals.unsettledAlbums().map((k) => this.albumRunId(k));
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
