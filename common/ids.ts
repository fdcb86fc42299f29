/** Workflow ids, shared by the workflows, the worker and every client so they agree. */

export function accountWorkflowId(account: string, migrationId: string): string {
  return `migrate-${account}-${migrationId}`;
}

export function albumWorkflowId(accountWorkflowId: string, albumKey: string): string {
  return `${accountWorkflowId}/album-${albumKey}`;
}

/** Where a migration keeps its plans, checkpoints and reports, beside the copied library. */
export function statePrefix(targetPrefix: string, migrationId: string): string {
  return `${targetPrefix ? `${targetPrefix}/` : ''}_smugmug-s3-migration/${migrationId}`;
}
