import {
  ApplicationFailure,
  type Client,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { setTimeout as sleep } from 'node:timers/promises';
import { accountPriority } from '../common/account-priority';
import { errorType } from '../common/error-types';
import { accountDeskWorkflowId } from '../common/ids';
import { startMigration as startMigrationUpdate } from '../common/messages';
import type { MigrationInput } from '../common/migration-input';
import type { MigrationStarted } from '../common/migration-types';
import { AccountAttribute } from '../common/search-attributes';
import { WorkflowTypes } from '../common/workflow-types';
import type { accountDeskWorkflow } from '../workflows/account-desk';
import type { migrationWorkflow } from '../workflows/migration';

/**
 * A migration that has just ended frees its account a moment later, once the account's desk hears
 * of it: a start refused in that moment is tried again this often, for this long.
 */
const ENDED_MIGRATION_RETRY_MS = 250;
const ENDED_MIGRATION_PATIENCE_MS = 10_000;

/**
 * The one way to start a migration, for every client (the API, a scheduled run, the tests, the
 * benches): through the account's desk with update-with-start, which starts one migration at a
 * time. Of requests at the same moment, from any client, one starts and the others are refused
 * with the running one's id (`runningMigrationOf` reads it); the desk's checks (bucket, token) refuse
 * with their own failure type.
 */
export async function startMigration(
  client: Client,
  taskQueue: string,
  input: MigrationInput,
): Promise<MigrationStarted> {
  const deadline = Date.now() + ENDED_MIGRATION_PATIENCE_MS;
  for (;;) {
    try {
      return await client.workflow.executeUpdateWithStart(startMigrationUpdate, {
        args: [input],
        startWorkflowOperation: accountDeskStart(taskQueue, input.account),
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

/** The account's desk, started if it is not running (one per account, whoever asks first). */
function accountDeskStart(taskQueue: string, account: string) {
  return new WithStartWorkflowOperation<typeof accountDeskWorkflow>(WorkflowTypes.accountDesk, {
    workflowId: accountDeskWorkflowId(account),
    args: [{ account }],
    taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
    typedSearchAttributes: [{ key: AccountAttribute, value: account }],
    priority: accountPriority(account),
    staticSummary: `Starts the migrations of SmugMug ${account}, one at a time`,
  });
}

/** The running migration an account's desk named when it refused a start, if that was the reason. */
export function runningMigrationOf(err: unknown): string | undefined {
  const cause = err instanceof WorkflowUpdateFailedError ? err.cause : undefined;
  return cause instanceof ApplicationFailure && cause.type === errorType('AlreadyMigrating')
    ? (cause.details?.[0] as string | undefined)
    : undefined;
}

/** A migration's handle, typed by its workflow: its result, queries and updates. */
export function migrationHandle(client: Client, workflowId: string) {
  return client.workflow.getHandle<typeof migrationWorkflow>(workflowId);
}

/** Whether a migration has ended; one not found yet is being started (the desk claims it first). */
async function hasEnded(client: Client, workflowId: string): Promise<boolean> {
  try {
    return (await client.workflow.getHandle(workflowId).describe()).status.name !== 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}
