import { type Client, type WorkflowExecutionInfo, type WorkflowExecutionDescription } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { MigrationProgress } from '../common/migration-types';
import type { accountMigration } from '../workflows/account-migration';
import { failureMessage } from '../workflows/failure-message';
import { migrationProgress } from '../workflows/messages';
import { notFound } from './temporal-errors';

/**
 * How long a query may wait for a worker before the API answers from what Temporal holds itself:
 * a worker answers in milliseconds, so this long means none is polling (or all are stuck).
 */
export const QUERY_DEADLINE_MS = 1_000;

export interface MigrationLookup {
  description: WorkflowExecutionDescription;
  /** The live or final progress; absent when the run left none (failed, cancelled) or no worker answered. */
  progress?: MigrationProgress;
  /** False when no worker answered a query in time: the answer holds what Temporal knows without one. */
  workerAnswered: boolean;
  /** Why a failed, cancelled or terminated run ended, decoded. */
  failure?: string;
}

/** The Temporal look-ups the API's routes share: progress with a worker or without, pages of visibility. */
export class MigrationLookups {
  constructor(private readonly client: Client, private readonly taskQueue: string) {}

  /** Whether any worker polls the task queue now (Temporal lists pollers seen in the last minutes). */
  async workersPolling(): Promise<boolean> {
    const { pollers } = await this.client.workflowService.describeTaskQueue({
      namespace: this.client.options.namespace, taskQueue: { name: this.taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (pollers ?? []).length > 0;
  }

  /** A query that gives up after QUERY_DEADLINE_MS instead of waiting for a worker that is not there. */
  async queryOrGiveUp<T>(query: () => Promise<T>): Promise<T | undefined> {
    return this.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, query).catch(() => undefined);
  }

  /** Progress of a migration, running or finished, answered even when no worker runs. */
  async migration(id: string): Promise<MigrationLookup> {
    const handle = this.client.workflow.getHandle<typeof accountMigration>(id);
    const description = await handle.describe();
    if (description.type !== 'accountMigration') throw notFound('migration');
    const status = description.status.name;
    if (status === 'COMPLETED') return { description, progress: await handle.result(), workerAnswered: true };
    if (status !== 'RUNNING') return { description, workerAnswered: true, failure: await handle.result().then(() => undefined, failureMessage) };
    const progress = (await this.workersPolling()) ? await this.queryOrGiveUp(() => handle.query(migrationProgress)) : undefined;
    return { description, progress, workerAnswered: progress !== undefined };
  }

  /** One page of a visibility query, numbered from 1, and whether more follow. */
  async visibilityPage<T>(query: string, page: number, pageSize: number, map: (wf: WorkflowExecutionInfo) => T) {
    const items: T[] = [];
    let seen = 0;
    for await (const wf of this.client.workflow.list({ query, pageSize: Math.min(1000, page * pageSize + 1) })) {
      seen += 1;
      if (seen <= (page - 1) * pageSize) continue;
      if (items.length === pageSize) return { items, hasMore: true };
      items.push(map(wf));
    }
    return { items, hasMore: false };
  }
}
