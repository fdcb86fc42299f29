import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { MigrationWorkflowIdAttribute } from '../common/search-attributes';

export interface FoundPayload {
  /** Where it sits in the history, as property names (`history.events.3.…searchAttributes…`). */
  path: string;
  payload: temporal.api.common.v1.IPayload;
}

/** Every payload in a history (inputs, results, heartbeat details, signals, updates, memos, summaries, failures). */
export function payloadsOf(history: temporal.api.history.v1.IHistory): FoundPayload[] {
  const found: FoundPayload[] = [];
  const visit = (value: unknown, path: string) => {
    if (!value || typeof value !== 'object' || value instanceof Uint8Array) return;
    const record = value as Record<string, unknown>;
    if (record.data instanceof Uint8Array && record.metadata && typeof record.metadata === 'object') {
      found.push({ path, payload: record as temporal.api.common.v1.IPayload });
      return;
    }
    for (const [key, child] of Object.entries(record)) visit(child, `${path}.${key}`);
  };
  visit(history, 'history');
  return found;
}

/** The largest payload anywhere in a history, in bytes. */
export function largestPayload(history: temporal.api.history.v1.IHistory): number {
  return payloadsOf(history).reduce((largest, p) => Math.max(largest, p.payload.data!.length), 0);
}

export interface HistoryStats {
  accountRuns: number;
  /** Events of the migration workflow, over all its runs, and of its longest run. */
  accountEvents: number;
  largestAccountRunEvents: number;
  albumRuns: number;
  albumEvents: number;
  largestAlbumEvents: number;
  largestPayloadBytes: number;
}

/** The raw histories of a migration, as Temporal stores them: every run of its migration workflow, then every album run it started. */
export async function* migrationHistories(
  client: Client,
  workflowId: string,
): AsyncGenerator<{ kind: 'account' | 'album'; history: temporal.api.history.v1.IHistory }> {
  for (const [kind, query] of [
    ['account', `WorkflowId = '${workflowId}'`],
    ['album', `${MigrationWorkflowIdAttribute.name} = '${workflowId}'`],
  ] as const) {
    for await (const run of client.workflow.list({ query }))
      yield { kind, history: await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory() };
  }
}

/** Events and payload sizes of a migration: every run of its migration workflow and every album run it started. */
export async function migrationHistoryStats(client: Client, workflowId: string): Promise<HistoryStats> {
  const stats: HistoryStats = {
    accountRuns: 0,
    accountEvents: 0,
    largestAccountRunEvents: 0,
    albumRuns: 0,
    albumEvents: 0,
    largestAlbumEvents: 0,
    largestPayloadBytes: 0,
  };
  for await (const { kind, history } of migrationHistories(client, workflowId)) {
    const events = history.events!.length;
    stats.largestPayloadBytes = Math.max(stats.largestPayloadBytes, largestPayload(history));
    if (kind === 'account') {
      stats.accountRuns += 1;
      stats.accountEvents += events;
      stats.largestAccountRunEvents = Math.max(stats.largestAccountRunEvents, events);
    } else {
      stats.albumRuns += 1;
      stats.albumEvents += events;
      stats.largestAlbumEvents = Math.max(stats.largestAlbumEvents, events);
    }
  }
  return stats;
}
