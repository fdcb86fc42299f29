import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { MigrationTarget } from '../common/migration-input';
import type { AlbumApproval, DeletionSummary } from '../common/migration-types';
import type { ActivityDeps } from './deps';
import { withHeartbeats } from './keep-alive';
import { migrationMetrics } from './migration-metrics';
import { loadPlan } from './plan-album';
import { StateStore } from './s3-client';

export interface DeleteOriginalsInput {
  albumKey: string;
  planPrefix: string;
  reportKey: string;
  target: MigrationTarget;
  approval: AlbumApproval;
}

const VerificationReport = z.object({ passed: z.boolean(), results: z.array(z.object({ imageKey: z.string(), ok: z.boolean() })) });

/**
 * Deletes on SmugMug exactly the images of an approved album that its verification proved copied,
 * and records what went, when and on whose approval. Already gone counts as done, so a retried
 * attempt is harmless. A dry run only lists what would go.
 */
export function deleteOriginals({ smugmug, s3 }: ActivityDeps) {
  return async function deleteOriginals(input: DeleteOriginalsInput): Promise<DeletionSummary> {
    const store = new StateStore(s3, input.target.bucket);
    const report = await store.get(input.reportKey, VerificationReport);
    if (!report?.passed) throw ApplicationFailure.nonRetryable(`Album ${input.albumKey} has no passed verification: nothing deleted`, 'NotVerified');
    const verified = new Set(report.results.filter((r) => r.ok).map((r) => r.imageKey));
    const images = (await loadPlan(store, input.planPrefix)).entries
      .filter((e) => verified.has(e.imageKey))
      .map((e) => ({ imageKey: e.imageKey, serial: e.serial, fileName: e.fileName }));

    const deleted: string[] = [];
    const alreadyGone: string[] = [];
    if (!input.approval.dryRun) {
      await withHeartbeats(() => ({ deleted: deleted.length }), async () => {
        for (const image of images) {
          const uri = `/api/v2/album/${input.albumKey}/image/${image.imageKey}-${image.serial}`;
          const res = await smugmug.request(uri, { method: 'DELETE' });
          await res.arrayBuffer();
          if (res.ok) deleted.push(image.imageKey);
          else if (res.status === 404) {
            // Gone already (an earlier attempt, or the user): make sure before counting it done.
            const check = await smugmug.request(uri);
            await check.arrayBuffer();
            if (check.status !== 404) throw ApplicationFailure.retryable(`SmugMug answered 404 to deleting ${uri} but still has it`, 'DeletionFailed');
            alreadyGone.push(image.imageKey);
          } else throw ApplicationFailure.retryable(`Deleting ${uri} failed: HTTP ${res.status}`, 'DeletionFailed');
        }
      });
    }
    if (!input.approval.dryRun) migrationMetrics().originalsDeleted.add(deleted.length);
    const logKey = `${input.planPrefix}/${input.approval.dryRun ? 'deletion-dry-run' : 'deletion'}.json`;
    await store.put(logKey, {
      albumKey: input.albumKey, approval: input.approval, finishedAt: new Date().toISOString(),
      ...(input.approval.dryRun ? { wouldDelete: images } : { deleted, alreadyGone }),
    });
    return {
      albumKey: input.albumKey, status: input.approval.dryRun ? 'dry-run' : 'deleted', deleted: input.approval.dryRun ? images.length : deleted.length,
      alreadyGone: alreadyGone.length, logKey, approvedBy: input.approval.approvedBy,
    };
  };
}
