import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { runningMigrationOf, startMigration } from '../client/start-migration';
import { errorType } from '../common/error-types';
import { failureMessage } from '../common/failure-message';
import { migrationWorkflowId } from '../common/ids';
import type { MigrationInput } from '../common/migration-input';
import type { MigrationEnd, ScheduledSyncStart } from '../common/migration-types';
import type { ActivityDeps } from './deps';
import { withHeartbeats } from './keep-alive';

/**
 * A scheduled run's start, through the account's desk like every other start. A migration of the
 * account already running skips this run; the desk's checks (bucket, token) refusing it fail it
 * with their message.
 */
export function startScheduledMigration({ temporal, config }: ActivityDeps) {
  return async function startScheduledMigration(input: MigrationInput): Promise<ScheduledSyncStart> {
    try {
      return await startMigration(temporal, config.TEMPORAL_TASK_QUEUE, input);
    } catch (err) {
      const running = runningMigrationOf(err);
      // An attempt retried after its start went through finds its own migration running.
      if (running === migrationWorkflowId(input.account, input.migrationId)) return { id: running };
      if (running) return { skippedFor: running };
      if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure)
        throw ApplicationFailure.create({
          message: err.cause.message,
          type: err.cause.type ?? errorType('ScheduledStartRefused'),
          nonRetryable: true,
        });
      throw err;
    }
  };
}

/** Waits for a migration to end, however it ends (a long poll on its result), and says how. */
export function awaitMigrationEnd({ temporal }: ActivityDeps) {
  return async function awaitMigrationEnd({ workflowId }: { workflowId: string }): Promise<MigrationEnd> {
    const handle = temporal.workflow.getHandle(workflowId);
    return withHeartbeats(
      () => ({ waitingFor: workflowId }),
      async () => {
        try {
          await handle.result();
          return { status: 'COMPLETED' };
        } catch (err) {
          const { status } = await handle.describe();
          // Still running: the wait itself broke (Temporal unreachable), so it is tried again.
          if (status.name === 'RUNNING') throw err;
          return { status: status.name, failure: failureMessage(err) };
        }
      },
    );
  };
}
