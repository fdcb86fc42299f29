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

/**
 * The one workflow per account that starts its migrations, one at a time: Temporal allows one
 * running workflow per id, so this id is what makes "one migration per account" hold. Nicknames
 * are case-insensitive on SmugMug, so the id is too.
 */
export function accountMigrationsWorkflowId(account: string): string {
  return `account-${account.toLowerCase()}`;
}

/**
 * Where a failed album leaves its marker, one object per album while it stays failed: the complete
 * list of failed albums, which no state or payload limit can truncate.
 */
export function failedAlbumsPrefix(targetPrefix: string, migrationId: string): string {
  return `${statePrefix(targetPrefix, migrationId)}/failed-albums/`;
}
