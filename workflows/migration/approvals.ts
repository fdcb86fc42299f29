import type { MetricCounter } from '@temporalio/common';
import { ApplicationFailure, getExternalWorkflowHandle, metricMeter } from '@temporalio/workflow';
import { errorType } from '../../common/error-types';
import { approveAlbumDeletion } from '../../common/messages';
import type { DeletionSummary } from '../../common/migration-types';
import type { AlbumApproval, ApprovalRequest, ApprovalResult } from '../../common/records';
import { checkArchiveProtection, preflightBucket } from './activities';
import type { MigrationRun } from './run';

/**
 * Approvals of deleting originals: checked against the report the person read, fanned out to the
 * albums they name (each album's deletion gate, ../album/deletion-gate.ts, does the deleting), and
 * what the albums report back of their deletions.
 */
export class Approvals {
  // Replay-safe: the SDK emits workflow metrics only on first execution.
  private readonly approvedCounter: MetricCounter = metricMeter.createCounter(
    'smugmug_s3_album_approvals',
    'albums',
    'Albums approved for deletion of their originals',
  );

  constructor(private readonly run: MigrationRun) {}

  /** Verified albums whose deletion is not settled: their approval window is open. */
  unsettledAlbums(): string[] {
    const { state } = this.run;
    const settled = new Set(state.deletionSettled);
    return state.verifiedAlbums.filter((k) => !settled.has(k));
  }

  /** Whether an album still waits for an approval: of its originals, or of its held items. */
  awaited(): boolean {
    return this.unsettledAlbums().length > 0 || (this.run.state.heldWaiting ?? []).length > 0;
  }

  /** Refuses an approval before anything is recorded (the update's validator). */
  validate(request: ApprovalRequest): void {
    const { input, state } = this.run;
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

  /**
   * Refuses an approval of albums whose copies lack the protection the migration requires (Object
   * Lock with days left, a verified replica), naming them and why. A dry run is not refused: it
   * shows what would go.
   */
  private async requireProtection(request: ApprovalRequest, albumKeys: string[]): Promise<void> {
    const { input } = this.run;
    const { requireObjectLock, requireReplica } = input.deletion;
    if ((!requireObjectLock && !requireReplica) || request.dryRun) return;
    const { lacking, lackingCount } = await checkArchiveProtection({
      migrationId: input.migrationId,
      target: input.target,
      albumKeys,
      requireObjectLock,
      requireReplica,
    });
    if (lackingCount === 0) return;
    const named = lacking.map((l) => `${l.album}: ${l.reason}`).join('; ');
    const required = [
      requireObjectLock && `Object Lock with at least ${requireObjectLock.minDaysLeft} days left`,
      requireReplica && 'a verified copy in the replica',
    ].filter(Boolean);
    throw ApplicationFailure.nonRetryable(
      `This migration requires ${required.join(' and ')} before deleting; ${lackingCount} album(s) lack it, so nothing was approved: ${named}${lackingCount > lacking.length ? '; …' : ''}`,
      errorType('ProtectionRequired'),
    );
  }

  /** A person's approval, fanned out to the albums it names (and to those keeping held items it names). */
  async approve(request: ApprovalRequest): Promise<ApprovalResult> {
    const { run } = this;
    const { input, state } = run;
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
    await this.requireProtection(request, wanted);
    // Sets, not Array.includes: tens of thousands of albums must not make this quadratic.
    const approvedBefore = new Set(state.approvedAlbums);
    const alreadyApproved = request.dryRun ? [] : wanted.filter((k) => approvedBefore.has(k));
    const approved = request.dryRun ? wanted : wanted.filter((k) => !approvedBefore.has(k));
    const approvedAt = new Date().toISOString();
    // An approval naming held items reaches the albums approved before that still keep some.
    const heldWaiting = new Set(state.heldWaiting ?? []);
    const heldApproval =
      request.includeHeld && !request.dryRun ? alreadyApproved.filter((k) => heldWaiting.has(k)) : [];
    const albumApproval = (dryRun: boolean): AlbumApproval => ({
      approvedBy: request.approvedBy,
      approvalId: request.approvalId,
      approvedAt,
      dryRun,
      includeHeld: request.includeHeld,
    });
    for (const albumKey of heldApproval) {
      await getExternalWorkflowHandle(run.albumRunId(albumKey))
        .signal(approveAlbumDeletion, albumApproval(false))
        .catch(() => undefined);
    }
    for (const albumKey of approved) {
      await getExternalWorkflowHandle(run.albumRunId(albumKey)).signal(
        approveAlbumDeletion,
        albumApproval(request.dryRun),
      );
      if (!request.dryRun) {
        this.approvedCounter.add(1);
        state.approvedAlbums.push(albumKey);
        state.deletion.albumsApproved += 1;
      }
    }
    run.news += 1;
    return { approvalId: request.approvalId, approved, alreadyApproved, dryRun: request.dryRun };
  }

  /** An album's originals went, or its approval window passed (signal); later words of albums keeping held items. */
  onAlbumDeletionSettled(outcome: DeletionSummary): void {
    const { run } = this;
    const { state } = run;
    const d = state.deletion;
    state.heldWaiting ??= [];
    const waiting = state.heldWaiting.indexOf(outcome.albumKey);
    if (state.deletionSettled.includes(outcome.albumKey)) {
      // A later word of an album that kept held items: what a second approval deleted, or that it is done.
      if (waiting < 0) return;
      d.imagesDeleted += outcome.deleted;
      d.imagesAlreadyGone += outcome.alreadyGone;
      if (outcome.final !== false) state.heldWaiting.splice(waiting, 1);
      run.news += 1;
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
    run.news += 1;
  }
}
