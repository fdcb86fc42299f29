import { smugmugRestoreProgress } from '../../common/messages';
import { RunStateAttribute } from '../../common/search-attributes';
import { WorkflowTypes } from '../../common/workflow-types';
import type { smugmugRestoreWorkflow } from '../../workflows/smugmug-restore/workflow';
import { fakeWayBack, timeSkippingEnvForTests, until, wayBackInput, withWorker } from '../support/workflow-env';

/**
 * The way back to SmugMug (workflows/smugmug-restore/) on Temporal's time-skipping test server:
 * the order of an album's steps, the S3 restore first for archived originals, parts of big albums,
 * a failed album run once more, and the phase and report at the end.
 */
const testEnv = timeSkippingEnvForTests();

const start = (taskQueue: string, albums: number, id: string) =>
  testEnv().client.workflow.start<typeof smugmugRestoreWorkflow>(WorkflowTypes.smugmugRestore, {
    taskQueue,
    workflowId: id,
    args: [wayBackInput(albums)],
    typedSearchAttributes: [{ key: RunStateAttribute, value: 'restoring' }],
  });

describe('a restore to SmugMug', () => {
  test('each album: structure, each part uploaded in turn, then checked; the report last; phase completed', async () => {
    const fake = fakeWayBack({ images: 5001 });
    await withWorker(testEnv(), fake.activities, async (taskQueue) => {
      const handle = await start(taskQueue, 2, 'to-smugmug-jane-wf-1');
      const done = await handle.result();
      for (const album of ['A0', 'A1']) {
        const steps = fake.calls.filter((c) => c.includes(album));
        expect(steps).toEqual([
          `prepare ${album}`,
          `structure ${album}`,
          `upload ${album} 1`,
          `upload ${album} 2`,
          `check ${album}`,
        ]);
      }
      expect(fake.calls.at(-1)).toBe('report');
      expect(fake.thaw.calls).toEqual([]);
      expect(done.phase).toBe('completed');
      // Albums run side by side: they finish in either order.
      const byAlbum = [...done.done].sort((a, b) => a.albumKey.localeCompare(b.albumKey));
      expect(byAlbum.map((d) => d.targets.map((t) => t.name))).toEqual([
        ['Album 0', 'Album 0 (2)'],
        ['Album 1', 'Album 1 (2)'],
      ]);
      expect(done.reportKey).toBe('_restores/20261207040000-abcdef/report.json');
      expect((await handle.describe()).typedSearchAttributes.get(RunStateAttribute)).toBe('completed');
    });
  });

  test('archived originals are restored by S3 first (the archive restore as a child, hours of waiting), then uploaded', async () => {
    const fake = fakeWayBack({ images: 3, unreadable: 3 });
    await withWorker(testEnv(), fake.activities, async (taskQueue) => {
      const done = await (await start(taskQueue, 1, 'to-smugmug-jane-wf-2')).result();
      // The thaw asked S3 twice (requested, then readable) before any upload.
      expect(fake.thaw.calls).toEqual(['A0', 'A0']);
      expect(fake.calls).toEqual(['prepare A0', 'structure A0', 'upload A0 1', 'check A0', 'report']);
      expect(done.done[0].thawed).toBe(3);
    });
  });

  test('an album that fails is run once more; one that fails again is reported failed and the others complete', async () => {
    const fake = fakeWayBack({ images: 2, failing: ['A0', 'A1'], failRuns: 1 });
    const always = fakeWayBack({ images: 2, failing: ['A2'], failRuns: 99 });
    const activities = {
      ...fake.activities,
      makeRestoreAlbums: (input: Parameters<NonNullable<typeof fake.activities.makeRestoreAlbums>>[0]) =>
        input.album.albumKey === 'A2'
          ? always.activities.makeRestoreAlbums!(input)
          : fake.activities.makeRestoreAlbums!(input),
    };
    await withWorker(testEnv(), activities, async (taskQueue) => {
      const handle = await start(taskQueue, 3, 'to-smugmug-jane-wf-3');
      await until(async () => (await handle.query(smugmugRestoreProgress)).albums === 3);
      const done = await handle.result();
      expect(done.done.map((d) => d.albumKey).sort()).toEqual(['A0', 'A1']);
      expect(done.failed).toEqual([{ albumKey: 'A2', name: 'Album 2', error: 'SmugMug refused Album 2' }]);
      expect(always.calls.filter((c) => c === 'structure A2')).toHaveLength(2);
      expect(done.phase).toBe('completed-with-problems');
    });
  });
});
