import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Client, WorkflowExecutionDescription, WorkflowExecutionInfo } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { createHash } from 'node:crypto';
import { migrationHandle } from '../client/start-migration';
import { failureMessage } from '../common/failure-message';
import { migrationProgress } from '../common/messages';
import type { MigrationProgress } from '../common/records';
import { WorkflowTypes } from '../common/workflow-types';
import { MigrationReport } from '../state/documents';
import { type Page, pageOf } from './paging';
import { conflict, notFound } from './refusals';
import { askTemporal } from './temporal-refusals';

/**
 * How long a query may wait for a worker before the service answers from what Temporal holds itself:
 * a worker answers in milliseconds, so this long means none is polling (or all are stuck).
 */
export const QUERY_DEADLINE_MS = 1_000;
/**
 * How long a start looks for a polling worker before it says there is none. A cluster lists the
 * pollers of a task queue's root partition, which sees a worker's polls only after some of them
 * were forwarded from the other partitions: a worker that just started (or reconnected) can take
 * seconds to appear there.
 */
const WORKER_SEEN_PATIENCE_MS = 10_000;
const WORKER_SEEN_POLL_MS = 500;

export interface MigrationLookup {
  description: WorkflowExecutionDescription;
  /** The live or final progress; absent when the run left none (failed, cancelled) or no worker answered. */
  progress?: MigrationProgress;
  /** False when no worker answered a query in time: the answer holds what Temporal knows without one. */
  workerAnswered: boolean;
  /** Why a failed, cancelled or terminated run ended, decoded. */
  failure?: string;
}

/**
 * What the service reads of migrations, shared by its parts: a migration's progress with a worker
 * or without, its current report, the workers polling, pages of Temporal's visibility.
 */
export class MigrationReads {
  constructor(
    private readonly client: Client,
    private readonly s3: S3Client,
    private readonly taskQueue: string,
  ) {}

  /** Progress of a migration, running or finished, answered even when no worker runs. */
  lookup(id: string): Promise<MigrationLookup> {
    return askTemporal(`Migration ${id}`, async () => {
      const handle = migrationHandle(this.client, id);
      const description = await handle.describe();
      if (description.type !== WorkflowTypes.migration) throw notFound('migration');
      const status = description.status.name;
      if (status === 'COMPLETED') return { description, progress: await handle.result(), workerAnswered: true };
      if (status !== 'RUNNING')
        return {
          description,
          workerAnswered: true,
          failure: await handle.result().then(() => undefined, failureMessage),
        };
      const progress = (await this.workersPolling())
        ? await this.queryOrGiveUp(() => handle.query(migrationProgress))
        : undefined;
      return { description, progress, workerAnswered: progress !== undefined };
    });
  }

  /** The migration's current verification report, as stored, checked against the digest the run holds. */
  async currentReport(id: string) {
    return this.reportOf(await this.lookup(id));
  }

  /** `currentReport` of a migration already looked up (a page that needs its progress too asks once). */
  async reportOf({ progress }: MigrationLookup) {
    if (!progress?.report)
      throw conflict('The report is not ready: it is written once every album is verified or failed');
    const object = await this.s3.send(
      new GetObjectCommand({ Bucket: progress.target.bucket, Key: progress.report.key }),
    );
    const text = await object.Body!.transformToString();
    if (createHash('sha256').update(text).digest('hex') !== progress.report.digest)
      throw conflict('The report in the bucket changed; ask again in a moment');
    return {
      key: progress.report.key,
      digest: progress.report.digest,
      report: MigrationReport.parse(JSON.parse(text)),
    };
  }

  /** Whether any worker polls the task queue now (Temporal lists pollers seen in the last minutes). */
  async workersPolling(): Promise<boolean> {
    const { pollers } = await this.client.workflowService.describeTaskQueue({
      namespace: this.client.options.namespace,
      taskQueue: { name: this.taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    return (pollers ?? []).length > 0;
  }

  /** Whether a worker is seen polling within WORKER_SEEN_PATIENCE_MS. */
  async workerSeen(): Promise<boolean> {
    const deadline = Date.now() + WORKER_SEEN_PATIENCE_MS;
    while (!(await this.workersPolling())) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, WORKER_SEEN_POLL_MS));
    }
    return true;
  }

  /** A query that gives up after QUERY_DEADLINE_MS instead of waiting for a worker that is not there. */
  async queryOrGiveUp<T>(query: () => Promise<T>): Promise<T | undefined> {
    return this.client.withDeadline(Date.now() + QUERY_DEADLINE_MS, query).catch(() => undefined);
  }

  /** One page of a visibility query, numbered from 1, and whether more follow. */
  visibility(query: string, page: number, pageSize: number): Promise<Page<WorkflowExecutionInfo>> {
    return pageOf(this.client.workflow.list({ query, pageSize: Math.min(1000, page * pageSize + 1) }), page, pageSize);
  }
}
