import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workflowBundle } from '../support/migration-harness';

const dir = join(__dirname, '..', 'replay-histories');
/** The workflow id each history was recorded under: child workflow ids derive from it. */
const workflowIds = JSON.parse(readFileSync(join(dir, 'workflow-ids.json'), 'utf8')) as Record<string, string>;
const recorded = readdirSync(dir)
  .filter((f) => f.endsWith('.binpb'))
  .map((f) => f.replace(/\.binpb$/, ''));

/**
 * Histories recorded from runs of earlier code (an account with continue-as-new, a retry and an
 * approval; albums with a large file, a failure, a deletion) and of every patch's new branch
 * (test/replay-histories/record.ts; workflows/VERSIONING.md says which covers which) must replay
 * on the current workflow code: a change that would break runs in flight fails here. They are
 * binary History protos (this SDK version cannot read its own JSON form back).
 */
describe('workflow code replays the recorded histories', () => {
  test.each(recorded)('%s', async (name) => {
    const history = temporal.api.history.v1.History.decode(readFileSync(join(dir, `${name}.binpb`)));
    await expect(
      Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, workflowIds[name]),
    ).resolves.toBeUndefined();
  });

  test('every recorded history has its workflow id, and none holds a credential', () => {
    expect(recorded.length).toBeGreaterThanOrEqual(10);
    expect(Object.keys(workflowIds).sort()).toEqual([...recorded].sort());
    for (const name of recorded)
      expect(readFileSync(join(dir, `${name}.binpb`), 'latin1')).not.toMatch(
        /sandbox-(full-modify|full-read|public-read)-(token|secret)|sandbox-api-secret|smugmug-s3-local-secret/,
      );
  });
});
