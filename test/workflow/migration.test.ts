import { ApplicationFailure } from '@temporalio/common';
import { migrationProgress, retryAlbums } from '../../common/messages';
import { WorkflowTypes } from '../../common/workflow-types';
import type { migrationWorkflow } from '../../workflows/migration';
import { fakeAccount, migrationInput, timeSkippingEnvForTests, until, withWorker } from '../support/workflow-env';

/** The migration on Temporal's time-skipping test server, its activities faked (test/support/workflow-testEnv().ts). */
const testEnv = timeSkippingEnvForTests();

const DAY = 24 * 3600 * 1000;

const startMigration = (taskQueue: string, workflowId: string, input: ReturnType<typeof migrationInput>) =>
  testEnv().client.workflow.start<typeof migrationWorkflow>(WorkflowTypes.migration, {
    taskQueue,
    workflowId,
    args: [input],
  });

describe('the migration, with time skipping', () => {
  test('a run with failed albums stays open for keepOpenFor, then completes with failures', async () => {
    const account = fakeAccount(3, { failing: new Set(['A1']) });
    await withWorker(testEnv(), account.activities, async (taskQueue) => {
      const started = await testEnv().currentTimeMs();
      const result = await (
        await startMigration(taskQueue, 'keep-open', migrationInput({ keepOpenFor: '3 days' }))
      ).result();
      expect(result).toMatchObject({
        phase: 'completed-with-failures',
        counts: { albumsDone: 2, albumsFailed: 1 },
        failedAlbums: { A1: expect.stringContaining('is gone') },
      });
      expect((await testEnv().currentTimeMs()) - started).toBeGreaterThanOrEqual(3 * DAY);
      expect([...account.failedMarkers]).toEqual(['A1']);
    });
  });

  test('continue-as-new carries the run on: every album once, none lost', async () => {
    const account = fakeAccount(7);
    await withWorker(testEnv(), account.activities, async (taskQueue) => {
      const handle = await startMigration(
        taskQueue,
        'continue',
        migrationInput({ continueAsNewAfterAlbums: 2, albumConcurrency: 2 }),
      );
      expect(await handle.result()).toMatchObject({
        phase: 'completed',
        continuedAsNew: 3,
        counts: { albumsDone: 7, albumsFailed: 0, verified: 7 },
      });
      expect([...account.planning.calls].sort()).toEqual(account.refs.map((r) => r.albumKey).sort());
    });
  });

  test('retry-failed runs every failed album again, within albumConcurrency, and the run completes', async () => {
    const failing = new Set(['A0', 'A1', 'A2', 'A3', 'A4', 'A5']);
    const account = fakeAccount(8, { failing });
    await withWorker(testEnv(), account.activities, async (taskQueue) => {
      const handle = await startMigration(
        taskQueue,
        'retry',
        migrationInput({ albumConcurrency: 2, keepOpenFor: '1 day' }),
      );
      await until(
        async () => (await handle.query(migrationProgress).catch(() => undefined))?.phase === 'completed-with-failures',
      );
      failing.clear();
      account.planning.most = 0;
      const retried = await handle.executeUpdate(retryAlbums, { args: [{}] });
      expect(retried.retried.sort()).toEqual(['A0', 'A1', 'A2', 'A3', 'A4', 'A5']);
      const result = await handle.result();
      expect(result).toMatchObject({ phase: 'completed', counts: { albumsDone: 8, albumsFailed: 0 } });
      expect(account.planning.most).toBeLessThanOrEqual(2);
      expect(account.failedMarkers.size).toBe(0);
    });
  });

  // The account's desk checks the bucket before it starts a migration (test/migration.test.ts); the
  // migration checks again at its own start, for a bucket removed in between.
  test('a bucket gone by the time the migration starts fails it at once, saying so, and no album starts', async () => {
    const account = fakeAccount(2);
    account.activities.preflightBucket = async ({ bucket }) => {
      throw ApplicationFailure.nonRetryable(`Bucket "${bucket}" does not exist`, 'BucketMissing');
    };
    await withWorker(testEnv(), account.activities, async (taskQueue) => {
      const handle = await startMigration(taskQueue, 'bucket-gone', migrationInput());
      await expect(handle.result()).rejects.toMatchObject({
        cause: { cause: { message: expect.stringContaining('"my-bucket" does not exist') } },
      });
      expect(account.planning.calls).toEqual([]);
    });
  });
});
