import { albumProgress, approveAlbumDeletion, approveDeletion, migrationProgress } from '../../common/messages';
import type { AlbumRunInput } from '../../common/migration-types';
import type { AlbumApproval } from '../../common/records';
import { WorkflowTypes } from '../../common/workflow-types';
import type { albumWorkflow } from '../../workflows/album';
import type { migrationWorkflow } from '../../workflows/migration';
import { fakeAccount, migrationInput, timeSkippingEnvForTests, until, withWorker } from '../support/workflow-env';

/**
 * The deletion gate (workflows/album/deletion-gate.ts), the one place originals are deleted, on
 * Temporal's time-skipping test server: approval windows of days pass in moments.
 */
const testEnv = timeSkippingEnvForTests();

const DAY = 24 * 3600 * 1000;
const withDeletion = { deletion: { enabled: true, approvalTimeout: '7 days' } };

const albumInput = (account: ReturnType<typeof fakeAccount>): AlbumRunInput => ({
  ...migrationInput(withDeletion),
  album: account.refs[0],
});
const approval = (dryRun: boolean, extra: Partial<AlbumApproval> = {}): AlbumApproval => ({
  approvedBy: 'Jane',
  approvalId: dryRun ? 'dry' : 'real',
  approvedAt: '2026-12-06T00:00:00Z',
  dryRun,
  ...extra,
});

/** Starts one album with deletion enabled, and waits until it is copied and verified: at the gate. */
async function albumAtTheGate(taskQueue: string, workflowId: string, input: AlbumRunInput) {
  const handle = await testEnv().client.workflow.start<typeof albumWorkflow>(WorkflowTypes.album, {
    taskQueue,
    workflowId,
    args: [input],
  });
  await until(async () => (await handle.query(albumProgress).catch(() => undefined))?.phase === 'done');
  return handle;
}

describe('the deletion gate, with time skipping', () => {
  test('an album not approved within approvalTimeout keeps its originals: the window passes, nothing is deleted', async () => {
    const account = fakeAccount(1);
    await withWorker(testEnv(), account.activities, async (taskQueue) => {
      const handle = await albumAtTheGate(taskQueue, 'gate-expire', albumInput(account));
      const started = await testEnv().currentTimeMs();
      expect(await handle.result()).toMatchObject({ status: 'verified', deletion: { status: 'expired', deleted: 0 } });
      expect((await testEnv().currentTimeMs()) - started).toBeGreaterThanOrEqual(7 * DAY);
      expect(account.deletions).toEqual([]);
    });
  });

  test('a dry run deletes nothing and restarts the approval window: a whole approvalTimeout from the dry run', async () => {
    const account = fakeAccount(1);
    await withWorker(testEnv(), account.activities, async (taskQueue) => {
      const handle = await albumAtTheGate(taskQueue, 'gate-dry-run', albumInput(account));
      await testEnv().sleep('3 days');
      await handle.signal(approveAlbumDeletion, approval(true));
      // Eight days after the album reached the gate, beyond its first window of seven: still waiting.
      await testEnv().sleep('5 days');
      expect((await handle.describe()).status.name).toBe('RUNNING');
      expect(account.deletions.map((d) => d.approval.dryRun)).toEqual([true]);
      expect(account.deleted).toEqual([]);

      await handle.signal(approveAlbumDeletion, approval(false));
      expect(await handle.result()).toMatchObject({ status: 'verified', deletion: { status: 'deleted', deleted: 1 } });
      expect(account.deletions.map((d) => d.approval.dryRun)).toEqual([true, false]);
      expect(account.deleted).toEqual(['A0']);
    });
  });

  test('a dry run alone lets the window pass: nothing is deleted, a window after the dry run', async () => {
    const account = fakeAccount(1);
    await withWorker(testEnv(), account.activities, async (taskQueue) => {
      const handle = await albumAtTheGate(taskQueue, 'gate-dry-run-only', albumInput(account));
      const started = await testEnv().currentTimeMs();
      await testEnv().sleep('3 days');
      await handle.signal(approveAlbumDeletion, approval(true));
      expect(await handle.result()).toMatchObject({ deletion: { status: 'expired', deleted: 0 } });
      expect((await testEnv().currentTimeMs()) - started).toBeGreaterThanOrEqual(10 * DAY);
      expect(account.deleted).toEqual([]);
    });
  });

  test('held items no approval names in time stay on SmugMug, and the album ends with its first deletion', async () => {
    const account = fakeAccount(1, { heldPerAlbum: 2 });
    await withWorker(testEnv(), account.activities, async (taskQueue) => {
      const handle = await albumAtTheGate(taskQueue, 'gate-held-kept', albumInput(account));
      await handle.signal(approveAlbumDeletion, approval(false));
      const started = await testEnv().currentTimeMs();
      expect(await handle.result()).toMatchObject({ deletion: { status: 'deleted', deleted: 1, held: 2 } });
      expect((await testEnv().currentTimeMs()) - started).toBeGreaterThanOrEqual(7 * DAY);
      expect(account.deletions).toHaveLength(1);
    });
  });
});

/**
 * Through the migration, which fans approvals out to its albums. An environment of its own: the
 * test server keeps counting an abandoned child that ends as its parent does as pending, and then
 * skips no more time for the tests after it.
 */
describe('the deletion gate behind the migration, with time skipping', () => {
  const migrationEnv = timeSkippingEnvForTests();

  test('held items stay after the first approval; a second approval that names them deletes them', async () => {
    const account = fakeAccount(1, { heldPerAlbum: 2 });
    await withWorker(migrationEnv(), account.activities, async (taskQueue) => {
      const handle = await migrationEnv().client.workflow.start<typeof migrationWorkflow>(WorkflowTypes.migration, {
        taskQueue,
        workflowId: 'gate-held',
        args: [migrationInput(withDeletion)],
      });
      const phase = async () => (await handle.query(migrationProgress).catch(() => undefined))?.phase;
      await until(async () => (await phase()) === 'awaiting-approval');
      const digest = 'd'.repeat(64);

      await handle.executeUpdate(approveDeletion, {
        args: [{ approvedBy: 'Jane', albums: 'all', reportDigest: digest, dryRun: false, approvalId: 'first' }],
      });
      // The originals went, the two held items stay, and the album waits for an approval naming them.
      await until(async () => (await handle.query(migrationProgress)).deletion.albumsDeleted >= 1);
      expect(await phase()).toBe('awaiting-approval');
      expect(account.deletions.map((d) => d.approval.includeHeld)).toEqual([undefined]);

      const second = await handle.executeUpdate(approveDeletion, {
        args: [
          {
            approvedBy: 'Jane',
            albums: 'all',
            reportDigest: digest,
            dryRun: false,
            approvalId: 'second',
            includeHeld: 'transcodes',
          },
        ],
      });
      expect(second).toMatchObject({ approved: [], alreadyApproved: ['A0'] });
      const result = await handle.result();
      expect(result).toMatchObject({
        phase: 'completed',
        deletion: { albumsApproved: 1, albumsDeleted: 1, imagesDeleted: 3 },
      });
      expect(account.deletions.map((d) => [d.approval.approvalId, d.approval.includeHeld])).toEqual([
        ['first', undefined],
        ['second', 'transcodes'],
      ]);
    });
  });

  test('a migration that requires Object Lock refuses an approval while an album lacks it, naming it; once it is locked, the same approval goes through', async () => {
    const account = fakeAccount(1);
    let locked = false;
    const asked: Array<{ albumKeys: string[]; minDaysLeft: number }> = [];
    account.activities.checkArchiveProtection = async ({ albumKeys, requireObjectLock }) => {
      asked.push({ albumKeys, minDaysLeft: requireObjectLock!.minDaysLeft });
      return locked
        ? { lacking: [], lackingCount: 0 }
        : {
            lacking: [
              { albumKey: 'A0', album: 'Album 0 (A0)', reason: '2 of its 2 verified files have no Object Lock' },
            ],
            lackingCount: 1,
          };
    };
    const input = migrationInput({
      deletion: { enabled: true, approvalTimeout: '7 days', requireObjectLock: { minDaysLeft: 30 } },
    });
    await withWorker(migrationEnv(), account.activities, async (taskQueue) => {
      const handle = await migrationEnv().client.workflow.start<typeof migrationWorkflow>(WorkflowTypes.migration, {
        taskQueue,
        workflowId: 'gate-lock-required',
        args: [input],
      });
      await until(
        async () => (await handle.query(migrationProgress).catch(() => undefined))?.phase === 'awaiting-approval',
      );
      const approval = { approvedBy: 'Jane', albums: 'all' as const, reportDigest: 'd'.repeat(64), dryRun: false };
      await expect(
        handle.executeUpdate(approveDeletion, { args: [{ ...approval, approvalId: 'unlocked' }] }),
      ).rejects.toMatchObject({
        cause: expect.objectContaining({
          type: 'ProtectionRequired',
          message: expect.stringContaining('Album 0 (A0): 2 of its 2 verified files have no Object Lock'),
        }),
      });
      expect(account.deletions).toEqual([]);
      // A dry run is not refused, and asks nothing of the bucket.
      await handle.executeUpdate(approveDeletion, { args: [{ ...approval, dryRun: true, approvalId: 'dry' }] });
      locked = true;
      await handle.executeUpdate(approveDeletion, { args: [{ ...approval, approvalId: 'locked' }] });
      await until(() => account.deletions.some((d) => d.approval.approvalId === 'locked'));
      expect(asked).toEqual([
        { albumKeys: ['A0'], minDaysLeft: 30 },
        { albumKeys: ['A0'], minDaysLeft: 30 },
      ]);
      // The deletion itself is told the requirement, to check it once more.
      expect(account.deletions.find((d) => d.approval.approvalId === 'locked')).toMatchObject({
        requireObjectLock: { minDaysLeft: 30 },
      });
      await handle.cancel();
    });
  });
  test('a migration that requires a replica refuses an approval while an album has no verified copy there, saying which; the deletion is told the requirement', async () => {
    const account = fakeAccount(2);
    let replicated = false;
    const asked: Array<{ albumKeys: string[]; requireReplica?: boolean; requireObjectLock?: unknown }> = [];
    account.activities.checkArchiveProtection = async ({ albumKeys, requireReplica, requireObjectLock }) => {
      asked.push({ albumKeys, requireReplica, requireObjectLock });
      return replicated
        ? { lacking: [], lackingCount: 0 }
        : {
            lacking: [
              {
                albumKey: 'A1',
                album: 'Album 1 (A1)',
                reason: '2 of its 2 verified files have no verified copy in the replica',
              },
            ],
            lackingCount: 1,
          };
    };
    const input = migrationInput({
      target: { bucket: 'my-bucket', replica: { connection: 'offsite', bucket: 'second-copy' } },
      deletion: { enabled: true, approvalTimeout: '7 days', requireReplica: true },
    });
    await withWorker(migrationEnv(), account.activities, async (taskQueue) => {
      const handle = await migrationEnv().client.workflow.start<typeof migrationWorkflow>(WorkflowTypes.migration, {
        taskQueue,
        workflowId: 'gate-replica-required',
        args: [input],
      });
      await until(
        async () => (await handle.query(migrationProgress).catch(() => undefined))?.phase === 'awaiting-approval',
      );
      const approval = { approvedBy: 'Jane', albums: 'all' as const, reportDigest: 'd'.repeat(64), dryRun: false };
      await expect(
        handle.executeUpdate(approveDeletion, { args: [{ ...approval, approvalId: 'unreplicated' }] }),
      ).rejects.toMatchObject({
        cause: expect.objectContaining({
          type: 'ProtectionRequired',
          message: expect.stringMatching(
            /requires a verified copy in the replica before deleting; 1 album\(s\) lack it.*Album 1 \(A1\): 2 of its 2 verified files have no verified copy in the replica/,
          ),
        }),
      });
      expect(account.deletions).toEqual([]);
      replicated = true;
      await handle.executeUpdate(approveDeletion, { args: [{ ...approval, approvalId: 'replicated' }] });
      await until(() => account.deletions.filter((d) => d.approval.approvalId === 'replicated').length === 2);
      expect(asked.map((a) => a.requireReplica)).toEqual([true, true]);
      expect(asked[0].requireObjectLock).toBeUndefined();
      expect(account.deletions.find((d) => d.approval.approvalId === 'replicated')).toMatchObject({
        requireReplica: true,
      });
      await handle.cancel();
    });
  });
});
