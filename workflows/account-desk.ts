import {
  ActivityFailure,
  allHandlersFinished,
  ApplicationFailure,
  type ChildWorkflowHandle,
  condition,
  ParentClosePolicy,
  patched,
  proxyActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { Activities } from '../activities';
import { accountPriority } from '../common/account-priority';
import { errorType } from '../common/error-types';
import { failureMessage } from '../common/failure-message';
import { migrationWorkflowId } from '../common/ids';
import { startMigration } from '../common/messages';
import type { MigrationInput } from '../common/migration-input';
import type { MigrationStarted } from '../common/migration-types';
import { AccountAttribute, phaseAttribute } from '../common/search-attributes';
import { WorkflowTypes } from '../common/workflow-types';
import { quickCheckActivity } from './activity-options';
import type { migrationWorkflow } from './migration';

const { checkMigrationTarget } = proxyActivities<Activities>(quickCheckActivity);

/** How long the desk waits for another request once nothing runs, before it closes. */
const IDLE_BEFORE_CLOSING = '1 minute';

/** The running migration of an account, if any, and the way to start one. */
class MigrationDesk {
  private running: { id: string; child?: ChildWorkflowHandle<typeof migrationWorkflow> } | undefined;

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Refuses a second migration while one runs (also checked again in `start`, before any await). */
  refuseIfBusy(): void {
    if (this.running) throw alreadyMigrating(this.running.id);
  }

  /**
   * Claims the account for this migration at once (before any await, so requests handled in the
   * same moment see the claim), checks what a person can fix before anything starts, then starts it.
   */
  async start(input: MigrationInput): Promise<MigrationStarted> {
    this.refuseIfBusy();
    const id = migrationWorkflowId(input.account, input.migrationId);
    const claim: NonNullable<typeof this.running> = { id };
    this.running = claim;
    try {
      await checkMigrationTarget({
        account: input.account,
        bucket: input.target.bucket,
        storageClass: input.target.storageClass,
        replica: input.target.replica,
      });
      claim.child = await startChild<typeof migrationWorkflow>(WorkflowTypes.migration, {
        workflowId: id,
        args: [input],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        // Explicit rather than inherited: a desk started before fairness keys existed has none.
        priority: patched('account-fairness-key') ? accountPriority(input.account) : undefined,
        typedSearchAttributes: [{ key: AccountAttribute, value: input.account }, phaseAttribute('preflight')],
        staticSummary: `Migrate SmugMug ${input.account} to s3://${input.target.bucket}/${input.target.prefix}`,
      });
    } catch (err) {
      this.running = undefined;
      throw refusal(err, id);
    }
    return { id };
  }

  /** Waits for the claimed migration to start (or its start to be refused), then to end, however it ends; frees the account. */
  async untilFinished(): Promise<void> {
    await condition(() => !this.running || this.running.child !== undefined);
    const child = this.running?.child;
    if (child) await child.result().catch(() => undefined);
    this.running = undefined;
  }
}

function alreadyMigrating(runningId: string): ApplicationFailure {
  return ApplicationFailure.create({
    message: `This account is already migrating: ${runningId}`,
    type: errorType('AlreadyMigrating'),
    nonRetryable: true,
    details: [runningId],
  });
}

/** Why a start was refused, as the update's failure: the check's own message and type. */
function refusal(err: unknown, id: string): ApplicationFailure {
  if (err instanceof WorkflowExecutionAlreadyStartedError) return alreadyMigrating(id);
  const cause = err instanceof ActivityFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure)
    return ApplicationFailure.create({ message: cause.message, type: cause.type ?? undefined, nonRetryable: true });
  return ApplicationFailure.create({
    message: failureMessage(err),
    type: errorType('SmugMugUnavailable'),
    nonRetryable: true,
  });
}

/**
 * The account's desk (registered as `accountMigrations`), one per account (id
 * `account-<nickname>`), reached with update-with-start (client/start-migration.ts): it starts the
 * account's migrations one at a time, so two requests at the same moment, on any API replica,
 * cannot start two. It stays while its migration runs and closes once idle.
 */
export async function accountDeskWorkflow(_input: { account: string }): Promise<void> {
  const desk = new MigrationDesk();
  setHandler(startMigration, (request) => desk.start(request), {
    validator: (_request: MigrationInput) => desk.refuseIfBusy(),
  });
  for (;;) {
    if (await condition(() => desk.busy, IDLE_BEFORE_CLOSING)) {
      await desk.untilFinished();
      continue;
    }
    // Idle: close, unless a request came in meanwhile.
    await condition(allHandlersFinished);
    if (!desk.busy) return;
  }
}
