import { ApplicationFailure } from '@temporalio/common';
import { migrationHandle, runningMigrationOf, startMigration } from '../../client/start-migration';
import { migrationWorkflowId } from '../../common/ids';
import { fakeAccount, migrationInput, timeSkippingEnvForTests, withWorker } from '../support/workflow-env';

/**
 * The account's desk (workflows/account-desk.ts), reached as every client reaches it
 * (client/start-migration.ts), on Temporal's time-skipping test server with faked activities.
 */
const testEnv = timeSkippingEnvForTests();

describe("the account's desk", () => {
  test('of simultaneous starts, exactly one migration starts; the others are refused with its id', async () => {
    const account = fakeAccount(1);
    // The started migration holds the account until the test lets its album be planned.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const plan = account.activities.planAlbum!;
    account.activities.planAlbum = async (input) => (await held, plan(input));
    // The checks before a start take a moment, so the requests overlap at the desk.
    account.activities.checkMigrationTarget = () => new Promise((r) => setTimeout(r, 200));
    await withWorker(testEnv(), account.activities, async (taskQueue) => {
      const ids = ['first', 'second', 'third', 'fourth'];
      const outcomes = await Promise.allSettled(
        ids.map((migrationId) => startMigration(testEnv().client, taskQueue, migrationInput({ migrationId }))),
      );
      const started = outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value.id);
      expect(started).toHaveLength(1);
      const refusedFor = outcomes.filter((o) => o.status === 'rejected').map((o) => runningMigrationOf(o.reason));
      expect(refusedFor).toEqual([started[0], started[0], started[0]]);
      // Only the one that started exists.
      for (const id of ids.map((m) => migrationWorkflowId('jane', m)).filter((id) => id !== started[0]))
        await expect(testEnv().client.workflow.getHandle(id).describe()).rejects.toThrow(/not found/i);

      release();
      expect(await migrationHandle(testEnv().client, started[0]).result()).toMatchObject({ phase: 'completed' });
      // Once it has ended, the account is free: the next start goes through.
      const next = await startMigration(testEnv().client, taskQueue, migrationInput({ migrationId: 'after' }));
      expect(next.id).toBe(migrationWorkflowId('jane', 'after'));
      expect(await migrationHandle(testEnv().client, next.id).result()).toMatchObject({ phase: 'completed' });
    });
  });

  test("a start the desk's checks refuse starts nothing and leaves the account free", async () => {
    const account = fakeAccount(1);
    account.activities.checkMigrationTarget = async ({ bucket }) => {
      if (bucket === 'missing')
        throw ApplicationFailure.nonRetryable(`Bucket "${bucket}" does not exist`, 'BucketMissing');
    };
    await withWorker(testEnv(), account.activities, async (taskQueue) => {
      const refused = startMigration(
        testEnv().client,
        taskQueue,
        migrationInput({ migrationId: 'refused', account: 'joe', target: { bucket: 'missing' } }),
      );
      await expect(refused).rejects.toMatchObject({
        cause: { type: 'BucketMissing', message: expect.stringContaining('does not exist') },
      });
      await expect(
        testEnv().client.workflow.getHandle(migrationWorkflowId('joe', 'refused')).describe(),
      ).rejects.toThrow(/not found/i);
      const next = await startMigration(
        testEnv().client,
        taskQueue,
        migrationInput({ migrationId: 'fine', account: 'joe' }),
      );
      expect(await migrationHandle(testEnv().client, next.id).result()).toMatchObject({ phase: 'completed' });
    });
  });
});
