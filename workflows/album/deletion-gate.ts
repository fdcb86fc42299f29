import type { Duration } from '@temporalio/common';
import { condition, type ExternalWorkflowHandle, patched, setCurrentDetails, upsertMemo } from '@temporalio/workflow';
import { albumDeletionSettled } from '../../common/messages';
import type { AlbumPlan, AlbumRunInput, AlbumSummary, DeletionSummary } from '../../common/migration-types';
import type { AlbumApproval, AlbumStatus } from '../../common/records';
import { metadataActivity } from '../activity-options';
import { deleteOriginals } from './activities';

/**
 * The one place where originals are deleted on SmugMug. The album reaches it only verified, with
 * deletion enabled for the migration; then nothing goes without an approval, fanned out by the
 * migration after it checked the approver named the current report's digest, and the deletion
 * activity itself deletes only the images the album's passed verification proved identical, plus
 * the held items the approval names.
 *
 * The approval window: the album waits up to `approvalTimeout` for an approval; if none comes, its
 * originals stay and it says so (`approval-expired`).
 * - A dry-run approval deletes nothing: it lists what would go (`deletion-dry-run.json`) and the
 *   album waits again, a whole new `approvalTimeout` from the dry run. A dry run restarts the window.
 * - A deletion that left held items (transcodes, originals that do not open, items never copied)
 *   opens a second window of `approvalTimeout`, for an approval that names them; when none comes in
 *   time, they stay on SmugMug, and the album ends with the first deletion's outcome.
 */
export class DeletionGate {
  /** The latest approval the migration passed on, not yet acted upon (signal handler). */
  private approval: AlbumApproval | undefined;

  receive(approval: AlbumApproval): void {
    this.approval = approval;
  }

  /** Waits for approvals and deletes what each allows, until the album's deletion is settled; returns the album's final summary. */
  async run(
    input: AlbumRunInput,
    summary: AlbumSummary,
    plan: AlbumPlan,
    parent: ExternalWorkflowHandle | undefined,
    setStatus: (status: AlbumStatus) => void,
  ): Promise<AlbumSummary> {
    const { album } = input;
    const name = album.path.join(' / ');
    setStatus('awaiting-approval');
    setCurrentDetails(
      `Album ${name} verified; its originals stay on SmugMug unless deletion is approved within ${input.deletion.approvalTimeout}`,
    );
    // Set once originals were deleted and held items stay: the album then waits for an approval naming them.
    let deleted: DeletionSummary | undefined;
    for (;;) {
      const approved = await condition(() => this.approval !== undefined, input.deletion.approvalTimeout as Duration);
      let outcome: DeletionSummary;
      if (!approved && deleted) {
        setCurrentDetails(
          `Album ${name}: ${deleted.held} held item(s) stay on SmugMug; no approval named them in time`,
        );
        await parent?.signal(albumDeletionSettled, {
          ...deleted,
          deleted: 0,
          alreadyGone: 0,
          heldIncluded: 0,
          final: true,
        });
        return { ...summary, deletion: deleted };
      }
      if (!approved) outcome = { albumKey: album.albumKey, status: 'expired', deleted: 0, alreadyGone: 0 };
      else {
        const given = this.approval!;
        this.approval = undefined;
        outcome = await this.deleteApproved(input, summary, plan, given);
        // A dry run deleted nothing: wait again, a whole window from now.
        if (given.dryRun) continue;
      }
      setStatus(outcome.status === 'deleted' ? 'originals-deleted' : 'approval-expired');
      upsertMemo({ summary: { ...summary, deletion: outcome } });
      const heldLeft = outcome.status === 'deleted' && (outcome.held ?? 0) > 0 && patched('held-items-await-approval');
      await parent?.signal(albumDeletionSettled, { ...outcome, final: !heldLeft });
      if (!heldLeft) return { ...summary, deletion: outcome };
      deleted = outcome;
      setCurrentDetails(
        `Album ${name}: originals deleted; ${outcome.held} held item(s) stay unless an approval within ${input.deletion.approvalTimeout} names them`,
      );
    }
  }

  /** Deletes (or for a dry run, lists) what the approval allows: the activity checks the passed report again. */
  private deleteApproved(
    input: AlbumRunInput,
    summary: AlbumSummary,
    plan: AlbumPlan,
    given: AlbumApproval,
  ): Promise<DeletionSummary> {
    const name = input.album.path.join(' / ');
    setCurrentDetails(
      `${given.dryRun ? 'Listing' : 'Deleting'} the verified originals of album ${name}, approved by ${given.approvedBy}`,
    );
    return deleteOriginals.executeWithOptions(
      {
        ...metadataActivity,
        summary: `${given.dryRun ? 'Dry run: list' : 'Delete'} approved originals of album ${name}`,
      },
      [
        {
          albumKey: input.album.albumKey,
          planPrefix: plan.planPrefix,
          reportKey: summary.reportKey!,
          target: input.target,
          approval: given,
          requireObjectLock: input.deletion.requireObjectLock,
          requireReplica: input.deletion.requireReplica,
        },
      ],
    );
  }
}
