import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { WorkerConfig } from './config';

/**
 * Sets the migration task queue's per-fairness-key activity rate limit: one SmugMug account (its
 * fairness key, common/account-priority.ts) starts at most SMUGMUG_ACCOUNT_ACTIVITIES_PER_SECOND
 * activities per second over every worker, as Temporal's matching service dispatches them. The
 * server keeps the setting; every worker sets the same value, and the last one to start wins.
 * Needs a server with fairness on (dynamic config `matching.enableFairness`).
 */
export async function applyAccountRateLimit(
  client: Client,
  config: Pick<WorkerConfig, 'SMUGMUG_ACCOUNT_ACTIVITIES_PER_SECOND' | 'TEMPORAL_NAMESPACE' | 'TEMPORAL_TASK_QUEUE'>,
): Promise<void> {
  const perSecond = config.SMUGMUG_ACCOUNT_ACTIVITIES_PER_SECOND;
  if (perSecond === undefined) return;
  await client.workflowService.updateTaskQueueConfig({
    namespace: config.TEMPORAL_NAMESPACE,
    identity: client.options.identity,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    updateFairnessKeyRateLimitDefault: {
      rateLimit: { requestsPerSecond: perSecond },
      reason: "SmugMug's rate limit per user and application (SMUGMUG_ACCOUNT_ACTIVITIES_PER_SECOND)",
    },
  });
}
