import { ApplicationFailure } from '@temporalio/common';
import { errorType } from '../common/error-types';
import type { MigrationInput, MigrationTarget } from '../common/migration-input';
import type { DeletionSummary } from '../common/migration-types';
import type { AlbumApproval, IncludeHeld } from '../common/records';
import {
  AlbumVerificationReport,
  DeletionLog,
  fileIdOf,
  type HeldItem,
  heldItemsOf,
  protectionShortfall,
} from '../state/documents';
import { deletionLogKey } from '../state/layout';
import { StateStore } from '../state/store';
import type { SmugMugClient } from '../smugmug/client';
import type { ActivityDeps } from './deps';
import { smugmugOfThisRun } from './smugmug-of-run';
import { withHeartbeats } from './keep-alive';
import { migrationMetrics } from './migration-metrics';

export interface DeleteOriginalsInput {
  albumKey: string;
  planPrefix: string;
  reportKey: string;
  target: MigrationTarget;
  approval: AlbumApproval;
  /** The protection the migration requires before deleting (absent in runs from before it existed). */
  requireObjectLock?: MigrationInput['deletion']['requireObjectLock'];
  requireReplica?: boolean;
}

interface Doomed {
  imageKey: string;
  serial: number;
  fileName: string;
}

/** Whether an approval names a held item: by its ImageKey, or all transcodes by `transcodes`. */
function includes(includeHeld: IncludeHeld | undefined, item: HeldItem): boolean {
  if (includeHeld === 'transcodes') return item.kind === 'transcode';
  return includeHeld?.includes(item.imageKey) ?? false;
}

/**
 * Deletes on SmugMug exactly the images of an approved album that its verification proved copied
 * byte for byte from the original, with every file of their asset (a RAW too), plus the held items the approval names, and records what went,
 * what stayed and why, when and on whose approval. Already gone counts as done, so a retried
 * attempt is harmless. A dry run only lists what would go.
 */
export function deleteOriginals(deps: ActivityDeps) {
  const { s3 } = deps;
  return async function deleteOriginals(input: DeleteOriginalsInput): Promise<DeletionSummary> {
    const store = new StateStore(s3, input.target.bucket);
    const report = await store.get(input.reportKey, AlbumVerificationReport);
    if (!report?.passed)
      throw ApplicationFailure.nonRetryable(
        `Album ${input.albumKey} has no passed verification: nothing deleted`,
        errorType('NotVerified'),
      );
    // Checked again here, the last step before anything goes: a lock may have ended since the approval.
    const shortfall = input.approval.dryRun ? undefined : protectionShortfall(report.protection, input, new Date());
    if (shortfall)
      throw ApplicationFailure.nonRetryable(
        `Album ${input.albumKey} lacks the protection this migration requires: ${shortfall}; nothing deleted`,
        errorType('ProtectionRequired'),
      );
    const { entries } = await store.plan(input.planPrefix);
    const logKey = deletionLogKey(input.planPrefix, input.approval.dryRun);
    // A later approval (one naming held items) deletes only what earlier ones left.
    const earlier = input.approval.dryRun ? undefined : await store.get(logKey, DeletionLog);
    const done = new Set([...(earlier?.deleted ?? []), ...(earlier?.alreadyGone ?? [])]);
    const held = heldItemsOf(entries, report).filter((h) => !done.has(h.imageKey));
    const heldIncluded = held.filter((h) => includes(input.approval.includeHeld, h));
    const heldKept = held.filter((h) => !includes(input.approval.includeHeld, h));
    const kept = new Set(heldKept.map((h) => h.imageKey));
    const verified = new Set(report.results.filter((r) => r.ok).map(fileIdOf));
    const serials = new Map([...report.unavailable, ...entries].map((e) => [e.imageKey, e.serial ?? 0]));
    const doomed: Doomed[] = entries
      // An image is deleted once, by its own file; its components (its RAW) go with it, so they held it above unless safe.
      .filter((e) => !e.component && verified.has(fileIdOf(e)) && !kept.has(e.imageKey))
      .map((e) => ({ imageKey: e.imageKey, serial: e.serial, fileName: e.fileName }));
    // A named item SmugMug offered no bytes for has no plan entry, only its unavailable record.
    for (const h of heldIncluded)
      if (!doomed.some((d) => d.imageKey === h.imageKey))
        doomed.push({ imageKey: h.imageKey, serial: serials.get(h.imageKey) ?? 0, fileName: h.fileName });
    const toDelete = doomed.filter((d) => !done.has(d.imageKey));

    const deleted: string[] = [];
    const alreadyGone: string[] = [];
    if (!input.approval.dryRun) {
      const smugmug = await smugmugOfThisRun(deps);
      await withHeartbeats(
        () => ({ deleted: deleted.length }),
        async () => {
          for (const image of toDelete) {
            if (await deleteOne(smugmug, input.albumKey, image)) deleted.push(image.imageKey);
            else alreadyGone.push(image.imageKey);
          }
        },
      );
      migrationMetrics().originalsDeleted.add(deleted.length);
    }
    const includedBy = {
      approvedBy: input.approval.approvedBy,
      approvalId: input.approval.approvalId,
      includeHeld: input.approval.includeHeld,
    };
    await store.put(logKey, DeletionLog, {
      albumKey: input.albumKey,
      approval: input.approval,
      finishedAt: new Date().toISOString(),
      ...(input.approval.dryRun ? { wouldDelete: toDelete } : { deleted, alreadyGone }),
      heldKept,
      heldIncluded: heldIncluded.map((h) => ({ ...h, includedBy })),
      ...(earlier ? { earlier: [...(earlier.earlier ?? []), { ...earlier, earlier: undefined }] } : {}),
    });
    return {
      albumKey: input.albumKey,
      status: input.approval.dryRun ? 'dry-run' : 'deleted',
      deleted: input.approval.dryRun ? toDelete.length : deleted.length,
      alreadyGone: alreadyGone.length,
      held: heldKept.length,
      heldIncluded: heldIncluded.length,
      logKey,
      approvedBy: input.approval.approvedBy,
    };
  };

  /** Deletes one image from its album; false when it was gone already (checked again before counting it done). */
  async function deleteOne(smugmug: SmugMugClient, albumKey: string, image: Doomed): Promise<boolean> {
    const uri = `/api/v2/album/${albumKey}/image/${image.imageKey}-${image.serial}`;
    const res = await smugmug.request(uri, { method: 'DELETE' });
    await res.body.dump();
    if (res.statusCode < 300) return true;
    if (res.statusCode !== 404)
      throw ApplicationFailure.retryable(`Deleting ${uri} failed: HTTP ${res.statusCode}`, errorType('DeletionFailed'));
    const check = await smugmug.request(uri);
    await check.body.dump();
    if (check.statusCode !== 404)
      throw ApplicationFailure.retryable(
        `SmugMug answered 404 to deleting ${uri} but still has it`,
        errorType('DeletionFailed'),
      );
    return false;
  }
}
