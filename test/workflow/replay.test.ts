import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { workflowBundle } from '../support/migration-harness';

const dir = join(__dirname, '..', 'replay-histories');

/**
 * Histories recorded from real runs (account with continue-as-new, a retry and an approval; albums
 * with a large file, a failure, a deletion) must replay on the current workflow code: a change that
 * would break runs in flight fails here. They are binary History protos (this SDK version cannot
 * read its own JSON form back): record new ones with fetchHistory() and History.encode().
 */
describe('workflow code replays the recorded histories', () => {
  test.each([
    'account-migration-after-retry-and-approval',
    'album-migration-large-file-and-deletion',
    'album-migration-failed',
    'album-migration-retry-and-deletion',
  ])('%s', async (name) => {
    const history = temporal.api.history.v1.History.decode(await readFile(join(dir, `${name}.binpb`)));
    // The workflow id the history was recorded under: child workflow ids derive from it.
    const workflowIds = JSON.parse(await readFile(join(dir, 'workflow-ids.json'), 'utf8')) as Record<string, string>;
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowIds[name]),
    ).resolves.toBeUndefined();
  });

  test('every recorded history is replayed above, and none holds a credential', async () => {
    const files = (await readdir(dir)).filter((f) => f.endsWith('.binpb'));
    expect(files).toHaveLength(4);
    for (const f of files)
      expect(await readFile(join(dir, f), 'latin1')).not.toMatch(
        /sandbox-(full-modify|full-read|public-read)-(token|secret)|sandbox-api-secret|smugmug-s3-local-secret/,
      );
  });
});
