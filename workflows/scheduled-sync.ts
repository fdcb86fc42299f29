import { proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { MigrationInput, ScheduledSyncInput } from '../common/migration-input';
import type { ScheduledSyncResult } from '../common/migration-types';
import { MigrationWorkflowIdAttribute } from '../common/search-attributes';
import { quickCheckActivity, waitForMigrationActivity } from './activity-options';

const { startScheduledMigration } = proxyActivities<Activities>(quickCheckActivity);
const { awaitMigrationEnd } = proxyActivities<Activities>(waitForMigrationActivity);

/** The time the run fired, in UTC, as a migration id: `scheduled-20261202-030000`. */
function scheduledMigrationId(firedAt: Date): string {
  return `scheduled-${firedAt.toISOString().replace(/[-:]/g, '').slice(0, 15).replace('T', '-')}`;
}

/**
 * One firing of an account's schedule (registered as `scheduledSync`): starts a sync migration
 * through the account's desk (so a migration started by hand and a scheduled one never run
 * together) and stays until it ends, so the schedule's overlap policy (skip) does not start another
 * meanwhile. It never deletes. A firing that finds a migration of the account running ends at
 * once, skipped.
 */
export async function scheduledSyncWorkflow(input: ScheduledSyncInput): Promise<ScheduledSyncResult> {
  const migration: MigrationInput = {
    ...input,
    migrationId: scheduledMigrationId(workflowInfo().startTime),
    dryRun: false,
    deletion: { enabled: false, approvalTimeout: '7 days' },
  };
  const started = await startScheduledMigration(migration);
  if ('skippedFor' in started) return { skippedFor: started.skippedFor };
  upsertSearchAttributes([{ key: MigrationWorkflowIdAttribute, value: started.id }]);
  return { migration: started.id, ...(await awaitMigrationEnd({ workflowId: started.id })) };
}
