import { ApplicationFailure } from '@temporalio/common';
import { albumProgress } from '../../common/messages';
import type { AlbumRunInput } from '../../common/migration-types';
import { WorkflowTypes } from '../../common/workflow-types';
import type { albumWorkflow } from '../../workflows/album';
import { fakeAccount, migrationInput, timeSkippingEnvForTests, withWorker } from '../support/workflow-env';

/**
 * An album whose photos carry RAW files (SmugMug Source's components, copied in batches of their
 * own): a RAW that cannot be copied fails nothing; verification holds its image on SmugMug.
 */
const testEnv = timeSkippingEnvForTests();

const albumInput = (account: ReturnType<typeof fakeAccount>): AlbumRunInput => ({
  ...migrationInput(),
  album: account.refs[0],
});

describe('an album with RAW components', () => {
  test('a RAW copied counts with its photo', async () => {
    const account = fakeAccount(1, { raw: 'copied' });
    await withWorker(testEnv(), account.activities, async (taskQueue) => {
      const result = await testEnv().client.workflow.execute<typeof albumWorkflow>(WorkflowTypes.album, {
        taskQueue,
        workflowId: 'raw-copied',
        args: [albumInput(account)],
      });
      expect(result).toMatchObject({ status: 'verified', files: 2, copiedFiles: 2, copiedBytes: 110 });
    });
  });

  test('a RAW whose copy fails for good leaves the album to verification, which holds its image: the album is not failed', async () => {
    const account = fakeAccount(1, { raw: 'not-copied' });
    await withWorker(testEnv(), account.activities, async (taskQueue) => {
      const handle = await testEnv().client.workflow.start<typeof albumWorkflow>(WorkflowTypes.album, {
        taskQueue,
        workflowId: 'raw-not-copied',
        args: [albumInput(account)],
      });
      const result = await handle.result();
      // The photo was copied, the RAW not: counted as not copied, and the album went on to its verification.
      expect(result).toMatchObject({ status: 'verified', files: 2, copiedFiles: 1, copiedBytes: 10 });
      expect(result.error).toBeUndefined();
      expect(await handle.query(albumProgress)).toMatchObject({ phase: 'done', doneFiles: 2 });
    });
  });

  test('the photo’s own file failing still fails the album', async () => {
    const account = fakeAccount(1, { raw: 'copied' });
    account.activities.transferSmallFiles = async () => {
      throw ApplicationFailure.nonRetryable('The original at /D/P1.JPG is gone (HTTP 404)', 'OriginalNotFound');
    };
    await withWorker(testEnv(), account.activities, async (taskQueue) => {
      const result = await testEnv().client.workflow.execute<typeof albumWorkflow>(WorkflowTypes.album, {
        taskQueue,
        workflowId: 'photo-not-copied',
        args: [albumInput(account)],
      });
      expect(result).toMatchObject({ status: 'failed' });
    });
  });
});
