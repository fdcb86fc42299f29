import { DefaultLogger, type LogEntry, type LogLevel } from '@temporalio/worker';
import { parseWorkflowId } from '../common/ids';
import { createRedactor, redactDeep } from '../config/redact';

/** Migration and album of a workflow id made by common/ids.ts: `migrate-<account>-<id>[/album-<key>[/retry-N]]`. */
export function idsOf(workflowId: unknown): { migration?: string; albumKey?: string } {
  const ids = typeof workflowId === 'string' ? parseWorkflowId(workflowId) : undefined;
  return ids ? { migration: ids.migration, albumKey: ids.albumKey } : {};
}

/**
 * The worker's log: one JSON object per line, with the migration and album of the workflow or
 * activity it comes from, and every string redacted of the process's secrets and of anything
 * shaped like a token or a signed URL.
 */
export function jsonLogger(
  secrets: Array<string | undefined>,
  level: LogLevel = 'INFO',
  write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
) {
  const redact = createRedactor(secrets);
  return new DefaultLogger(level, (entry: LogEntry) => {
    const meta = (entry.meta ?? {}) as Record<string, unknown>;
    write(
      JSON.stringify(
        redactDeep(
          {
            time: new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString(),
            level: entry.level.toLowerCase(),
            msg: entry.message,
            ...idsOf(meta.workflowId),
            ...meta,
          },
          redact,
        ),
      ),
    );
  });
}
