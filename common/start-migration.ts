import {
  ApplicationFailure,
  type Client,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { accountMigrations } from '../workflows/account-migrations';
import { startMigration } from '../workflows/messages';
import { SmugMugAccount } from '../workflows/search-attributes';
import { accountPriority } from './account-priority';
import { accountMigrationsWorkflowId } from './ids';
import type { MigrationInput } from './migration-input';
import type { MigrationStarted } from './migration-types';

/** Client side (the API, and the scheduled runs' activity): not for workflow code. */

/**
 * A migration that has just ended frees its account a moment later, once the account's workflow
 * hears of it: a start refused in that moment is tried again this often, for this long.
 */
const ENDED_MIGRATION_RETRY_MS = 250;
const ENDED_MIGRATION_PATIENCE_MS = 10_000;

/**
 * Starts a migration through the account's own workflow (update-with-start), which starts one at
 * a time: of requests at the same moment, from any client, one starts and the others are refused
 * with the running one's id (`runningMigrationOf` reads it). Other refusals keep their own type.
 */
export async function startThroughAccount(
  client: Client,
  taskQueue: string,
  input: MigrationInput,
): Promise<MigrationStarted> {
  const deadline = Date.now() + ENDED_MIGRATION_PATIENCE_MS;
  for (;;) {
    const accountDesk = new WithStartWorkflowOperation(accountMigrations, {
      workflowId: accountMigrationsWorkflowId(input.account),
      args: [{ account: input.account }],
      taskQueue,
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [{ key: SmugMugAccount, value: input.account }],
      priority: accountPriority(input.account),
      staticSummary: `Starts the migrations of SmugMug ${input.account}, one at a time`,
    });
    try {
      return await client.workflow.executeUpdateWithStart(startMigration, {
        args: [input],
        startWorkflowOperation: accountDesk,
      });
    } catch (err) {
      const runningId = runningMigrationOf(err);
      if (runningId && Date.now() < deadline && (await hasEnded(client, runningId))) {
        await sleep(ENDED_MIGRATION_RETRY_MS);
        continue;
      }
      throw err;
    }
  }
}

/** The running migration an account's workflow named when it refused a start, if that was the reason. */
export function runningMigrationOf(err: unknown): string | undefined {
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === 'AlreadyMigrating'
    ? (cause.details?.[0] as string | undefined)
    : undefined;
}

/** Whether a migration has ended; one not found yet is being started (the account claims it first). */
async function hasEnded(client: Client, workflowId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name !== 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
