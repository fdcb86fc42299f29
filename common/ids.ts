/** Workflow ids, shared by the workflows, the worker and every client so they agree. */

export function accountWorkflowId(account: string, migrationId: string): string {
  return `migrate-${account}-${migrationId}`;
}

/** An album's run; a retry of a failed album is a new run with its own id. */
export function albumWorkflowId(accountWorkflowId: string, albumKey: string, retry = 0): string {
  return `${accountWorkflowId}/album-${albumKey}${retry > 0 ? `/retry-${retry}` : ''}`;
}

/** Where a migration keeps its plans, checkpoints and reports, beside the copied library. */
export function statePrefix(targetPrefix: string, migrationId: string): string {
  return `${targetPrefix ? `${targetPrefix}/` : ''}_smugmug-s3-migration/${migrationId}`;
}
