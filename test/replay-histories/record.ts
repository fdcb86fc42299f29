import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startMigration } from '../../client/start-migration';
import { accountDeskWorkflowId, albumWorkflowId, migrationWorkflowId } from '../../common/ids';
import { approveAlbumDeletion, approveDeletion, migrationProgress, retryAlbums } from '../../common/messages';
import type { AlbumRunInput } from '../../common/migration-types';
import { ScheduledSyncInput } from '../../common/migration-input';
import type { AlbumApproval } from '../../common/records';
import { WorkflowTypes } from '../../common/workflow-types';
import type { albumWorkflow } from '../../workflows/album';
import type { migrationWorkflow } from '../../workflows/migration';
import type { archiveAuditWorkflow } from '../../workflows/audit';
import type { archiveRestoreWorkflow } from '../../workflows/archive-restore';
import type { scheduledSyncWorkflow } from '../../workflows/scheduled-sync';
import type { smugmugRestoreWorkflow } from '../../workflows/smugmug-restore/workflow';
import {
  fakeAccount,
  fakeRestores,
  fakeWayBack,
  migrationInput,
  restoreInput,
  startTimeSkippingEnv,
  until,
  wayBackInput,
  withWorker,
} from '../support/workflow-env';

/**
 * Records histories for test/workflow/replay.test.ts from runs of today's workflow code on
 * Temporal's time-skipping test server, its activities faked (test/support/workflow-env.ts): one per
 * workflow type and per patch's new branch (workflows/VERSIONING.md says which covers which).
 * `npx tsx test/replay-histories/record.ts`; the histories already there stay as recorded.
 */
const dir = __dirname;

async function save(client: Client, name: string, workflowId: string, recorded: Record<string, string>) {
  // Recorded once: a history from older code is what proves that code's runs still replay.
  if (recorded[name]) return;
  const history = await client.workflow.getHandle(workflowId).fetchHistory();
  await writeFile(join(dir, `${name}.binpb`), temporal.api.history.v1.History.encode(history).finish());
  recorded[name] = workflowId;
  console.log(`${name}: ${history.events?.length} events of ${workflowId}`);
}

async function main() {
  const env = await startTimeSkippingEnv();
  const { client } = env;
  const recorded = JSON.parse(await readFile(join(dir, 'workflow-ids.json'), 'utf8')) as Record<string, string>;
  try {
    // The way back: an album thawed out of DEEP_ARCHIVE first (a child archiveRestore), then made,
    // uploaded in two parts and checked; the restore's report last (first: see below).
    const wayBack = fakeWayBack({ images: 5001, unreadable: 2 });
    await withWorker(env, wayBack.activities, async (taskQueue) => {
      const workflowId = 'to-smugmug-jane-20261207040000-abcdef';
      await client.workflow.execute<typeof smugmugRestoreWorkflow>(WorkflowTypes.smugmugRestore, {
        taskQueue,
        workflowId,
        args: [wayBackInput(1)],
      });
      await save(client, 'smugmug-restore', workflowId, recorded);
      await save(client, 'smugmug-album-restore-thawed', `${workflowId}-album-A0`, recorded);
    });

    // A restore out of DEEP_ARCHIVE: requested, checked while S3 restores, ready, the webhook told
    // (first: a workflow the runs below leave behind holds the test server's clock).
    const restoring = fakeRestores(4, 3);
    await withWorker(env, restoring.activities, async (taskQueue) => {
      const workflowId = 'restore-my-bucket-20261206040000-abcdef';
      await client.workflow.execute<typeof archiveRestoreWorkflow>(WorkflowTypes.archiveRestore, {
        taskQueue,
        workflowId,
        args: [restoreInput(2)],
      });
      await save(client, 'archive-restore-ready', workflowId, recorded);
    });

    // The desk starts a migration (patch account-fairness-key), which runs to the end; the desk closes once idle.
    const desk = fakeAccount(1);
    await withWorker(env, desk.activities, async (taskQueue) => {
      const { id } = await startMigration(client, taskQueue, migrationInput({ migrationId: 'desk' }));
      await client.workflow.getHandle(id).result();
      await client.workflow.getHandle(accountDeskWorkflowId('jane')).result();
      await save(client, 'account-desk-start', accountDeskWorkflowId('jane'), recorded);
    });

    // A failed album queued again by a retry (patch retry-queue), its failure marked and cleared (failed-album-markers).
    const failing = new Set(['A1']);
    const retried = fakeAccount(3, { failing });
    await withWorker(env, retried.activities, async (taskQueue) => {
      const input = migrationInput({ migrationId: 'queue', albumConcurrency: 2, keepOpenFor: '1 day' });
      const id = migrationWorkflowId(input.account, input.migrationId);
      const handle = await client.workflow.start<typeof migrationWorkflow>(WorkflowTypes.migration, {
        taskQueue,
        workflowId: id,
        args: [input],
      });
      await until(async () => (await handle.query(migrationProgress))?.phase === 'completed-with-failures');
      failing.clear();
      await handle.executeUpdate(retryAlbums, { args: [{ albumKeys: ['A1'] }] });
      await handle.result();
      await save(client, 'account-migration-retry-queue', id, recorded);
      await save(client, 'album-migration-failure-marked', albumWorkflowId(id, 'A1'), recorded);
      await save(client, 'album-migration-retry-marker-cleared', albumWorkflowId(id, 'A1', 1), recorded);
    });

    // An album's deletion gate: a dry run, then the originals, then the held items a second approval
    // names (patch held-items-await-approval).
    const held = fakeAccount(1, { heldPerAlbum: 2 });
    await withWorker(env, held.activities, async (taskQueue) => {
      const workflowId = albumWorkflowId(migrationWorkflowId('jane', 'gate'), 'A0');
      const input: AlbumRunInput = {
        ...migrationInput({ migrationId: 'gate', deletion: { enabled: true, approvalTimeout: '7 days' } }),
        album: held.refs[0],
      };
      const handle = await client.workflow.start<typeof albumWorkflow>(WorkflowTypes.album, {
        taskQueue,
        workflowId,
        args: [input],
      });
      const approval = (approvalId: string, extra: Partial<AlbumApproval> = {}): AlbumApproval => ({
        approvedBy: 'Jane',
        approvalId,
        approvedAt: '2026-12-06T00:00:00Z',
        dryRun: false,
        ...extra,
      });
      await handle.signal(approveAlbumDeletion, approval('dry', { dryRun: true }));
      await until(() => held.deletions.length === 1);
      await handle.signal(approveAlbumDeletion, approval('first'));
      await until(() => held.deletions.length === 2);
      await handle.signal(approveAlbumDeletion, approval('second', { includeHeld: 'transcodes' }));
      await handle.result();
      await save(client, 'album-migration-dry-run-and-held-items', workflowId, recorded);
    });

    // An album whose RAW (a component batch) cannot be copied: the album goes on, verified (issue 23).
    const raw = fakeAccount(1, { raw: 'not-copied' });
    await withWorker(env, raw.activities, async (taskQueue) => {
      const workflowId = albumWorkflowId(migrationWorkflowId('jane', 'raw'), 'A0');
      await client.workflow.execute<typeof albumWorkflow>(WorkflowTypes.album, {
        taskQueue,
        workflowId,
        args: [{ ...migrationInput({ migrationId: 'raw' }), album: raw.refs[0] }],
      });
      await save(client, 'album-migration-raw-not-copied', workflowId, recorded);
    });

    // A migration requiring Object Lock: an approval refused while an album lacks it, then one that goes through (issue 24).
    const lock = fakeAccount(1);
    let locked = false;
    lock.activities.checkArchiveProtection = async () =>
      locked
        ? { lacking: [], lackingCount: 0 }
        : { lacking: [{ albumKey: 'A0', album: 'Album 0 (A0)', reason: 'no Object Lock' }], lackingCount: 1 };
    await withWorker(env, lock.activities, async (taskQueue) => {
      const id = migrationWorkflowId('jane', 'locked');
      const handle = await client.workflow.start<typeof migrationWorkflow>(WorkflowTypes.migration, {
        taskQueue,
        workflowId: id,
        args: [
          migrationInput({
            migrationId: 'locked',
            deletion: { enabled: true, approvalTimeout: '7 days', requireObjectLock: { minDaysLeft: 30 } },
          }),
        ],
      });
      await until(async () => (await handle.query(migrationProgress).catch(() => undefined))?.phase === 'awaiting-approval');
      const approval = { approvedBy: 'Jane', albums: 'all' as const, reportDigest: 'd'.repeat(64), dryRun: false };
      await handle.executeUpdate(approveDeletion, { args: [{ ...approval, approvalId: 'unlocked' }] }).catch(() => undefined);
      locked = true;
      await handle.executeUpdate(approveDeletion, { args: [{ ...approval, approvalId: 'locked' }] });
      await until(() => lock.deletions.length === 1);
      await save(client, 'account-migration-lock-required', id, recorded);
      await handle.terminate('recorded');
    });

    // A migration requiring a replica: an approval refused while an album has no verified copy there, then one that goes through (issue 24).
    const replicated = fakeAccount(1);
    let copied = false;
    replicated.activities.checkArchiveProtection = async () =>
      copied
        ? { lacking: [], lackingCount: 0 }
        : { lacking: [{ albumKey: 'A0', album: 'Album 0 (A0)', reason: 'no verified replica' }], lackingCount: 1 };
    await withWorker(env, replicated.activities, async (taskQueue) => {
      const id = migrationWorkflowId('jane', 'replicated');
      const handle = await client.workflow.start<typeof migrationWorkflow>(WorkflowTypes.migration, {
        taskQueue,
        workflowId: id,
        args: [
          migrationInput({
            migrationId: 'replicated',
            target: { bucket: 'my-bucket', replica: { connection: 'offsite', bucket: 'second-copy' } },
            deletion: { enabled: true, approvalTimeout: '7 days', requireReplica: true },
          }),
        ],
      });
      await until(async () => (await handle.query(migrationProgress).catch(() => undefined))?.phase === 'awaiting-approval');
      const approval = { approvedBy: 'Jane', albums: 'all' as const, reportDigest: 'd'.repeat(64), dryRun: false };
      await handle.executeUpdate(approveDeletion, { args: [{ ...approval, approvalId: 'alone' }] }).catch(() => undefined);
      copied = true;
      await handle.executeUpdate(approveDeletion, { args: [{ ...approval, approvalId: 'replicated' }] });
      await until(() => replicated.deletions.length === 1);
      await save(client, 'account-migration-replica-required', id, recorded);
      await handle.terminate('recorded');
    });

    // A schedule's firing: a sync through the desk, waited for to its end.
    const scheduled = fakeAccount(1);
    scheduled.activities.startScheduledMigration = async (input) => ({
      id: migrationWorkflowId(input.account, input.migrationId),
    });
    scheduled.activities.awaitMigrationEnd = async () => ({ status: 'COMPLETED' });
    await withWorker(env, scheduled.activities, async (taskQueue) => {
      const workflowId = 'scheduled-sync-jane-2026-12-06T03:00:00Z';
      await client.workflow.execute<typeof scheduledSyncWorkflow>(WorkflowTypes.scheduledSync, {
        taskQueue,
        workflowId,
        args: [ScheduledSyncInput.parse({ account: 'jane', target: { bucket: 'my-bucket' } })],
      });
      await save(client, 'scheduled-sync', workflowId, recorded);
    });

    // An audit of the archive at rest that finds something, and tells the operator's webhook.
    const audited = fakeAccount(1);
    audited.activities.auditArchive = async (input) => ({
      auditId: input.auditId,
      bucket: input.bucket,
      prefix: input.prefix,
      passed: false,
      checkedAt: '2026-12-06T04:00:00Z',
      albums: 1,
      files: 3,
      findings: 1,
      byKind: { missing: 1 },
      firstFindings: [],
      requests: { list: 1, get: 1, head: 0 },
      reportKey: `_smugmug-s3-migration/_audits/${input.auditId}.json`,
      digest: '0'.repeat(64),
    });
    audited.activities.notifyAuditWebhook = async () => ({ delivered: true });
    await withWorker(env, audited.activities, async (taskQueue) => {
      const workflowId = 'audit-my-bucket-20261206040000';
      await client.workflow.execute<typeof archiveAuditWorkflow>(WorkflowTypes.audit, {
        taskQueue,
        workflowId,
        args: [{ bucket: 'my-bucket', prefix: '', auditId: '20261206040000', account: 'jane', deep: false }],
      });
      await save(client, 'archive-audit-failed', workflowId, recorded);
    });

    await writeFile(join(dir, 'workflow-ids.json'), `${JSON.stringify(recorded, null, 2)}\n`);
  } finally {
    await env.teardown();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
