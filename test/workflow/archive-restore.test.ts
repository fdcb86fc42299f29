import { restoreProgress } from '../../common/messages';
import { RunStateAttribute } from '../../common/search-attributes';
import { WorkflowTypes } from '../../common/workflow-types';
import type { archiveRestoreWorkflow } from '../../workflows/archive-restore';
import { fakeRestores, restoreInput, timeSkippingEnvForTests, until, withWorker } from '../support/workflow-env';

/**
 * The restore out of the archive classes (workflows/archive-restore.ts) on Temporal's time-skipping
 * test server: hours of waiting pass in moments, so its loop is tested as it runs.
 */
const testEnv = timeSkippingEnvForTests();

describe('a restore out of the archive classes', () => {
  test('asks S3 at each interval until every album is readable, keeps the requests it sent, says ready and tells the webhook', async () => {
    const fake = fakeRestores(5, 4);
    await withWorker(testEnv(), fake.activities, async (taskQueue) => {
      const handle = await testEnv().client.workflow.start<typeof archiveRestoreWorkflow>(
        WorkflowTypes.archiveRestore,
        {
          taskQueue,
          workflowId: 'restore-my-bucket-wf-1',
          args: [restoreInput(2)],
          typedSearchAttributes: [{ key: RunStateAttribute, value: 'restoring' }],
        },
      );
      const done = await handle.result();
      // Each album asked four times: the request, two checks while ongoing, the check that finds it readable.
      expect(fake.calls).toEqual(['A0', 'A1', 'A0', 'A1', 'A0', 'A1', 'A0', 'A1']);
      expect(done.phase).toBe('ready');
      expect(done.albums).toEqual([
        expect.objectContaining({ albumKey: 'A0', files: 5, available: 5, ongoing: 0, requested: 5 }),
        expect.objectContaining({ albumKey: 'A1', files: 5, available: 5, ongoing: 0, requested: 5 }),
      ]);
      expect(done.albums[0].expiresAt).toBe('2026-12-13T00:00:00.000Z');
      expect((await handle.describe()).typedSearchAttributes.get(RunStateAttribute)).toBe('ready');
      expect(fake.webhook.map((p) => p.restoreId)).toEqual(['20261206040000-abcdef']);
    });
  });

  test('an album already readable is not asked again; the query shows the albums while it waits', async () => {
    const fake = fakeRestores(3, 3);
    const ready = fakeRestores(3, 1);
    const activities = {
      ...fake.activities,
      restoreAlbumFiles: (input: Parameters<NonNullable<typeof fake.activities.restoreAlbumFiles>>[0]) =>
        input.album.albumKey === 'A0'
          ? ready.activities.restoreAlbumFiles!(input)
          : fake.activities.restoreAlbumFiles!(input),
    };
    await withWorker(testEnv(), activities, async (taskQueue) => {
      const handle = await testEnv().client.workflow.start<typeof archiveRestoreWorkflow>(
        WorkflowTypes.archiveRestore,
        {
          taskQueue,
          workflowId: 'restore-my-bucket-wf-2',
          args: [restoreInput(2, '6h')],
        },
      );
      await until(async () => (await handle.query(restoreProgress)).albums[1].ongoing === 3);
      expect((await handle.query(restoreProgress)).albums[0]).toMatchObject({ available: 3, requested: 3 });
      await handle.result();
      expect(ready.calls).toEqual(['A0']);
      expect(fake.calls).toEqual(['A1', 'A1', 'A1']);
    });
  });
});
