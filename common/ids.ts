/** Workflow ids, shared by the workflows, the worker and every client so they agree. */

const MIGRATION_ID_PREFIX = 'migrate-';

/** A migration's workflow id: `migrate-<nickname>-<migrationId>`, the migrationId being the short id of the input. */
export function migrationWorkflowId(account: string, migrationId: string): string {
  return `${MIGRATION_ID_PREFIX}${account}-${migrationId}`;
}

/** An album's run within a migration; a retry of a failed album is a new run with its own id. */
export function albumWorkflowId(migrationWorkflowId: string, albumKey: string, retry = 0): string {
  return `${migrationWorkflowId}/album-${albumKey}${retry > 0 ? `/retry-${retry}` : ''}`;
}

/**
 * The account's desk: the one workflow per account that starts its migrations, one at a time.
 * Temporal allows one running workflow per id, so this id is what makes "one migration per account"
 * hold. Nicknames are case-insensitive on SmugMug, so the id is too.
 */
export function accountDeskWorkflowId(account: string): string {
  return `account-${account.toLowerCase()}`;
}

/**
 * What a migration's or album run's workflow id names: the migration's workflow id, and for an
 * album run its AlbumKey and retry; undefined for any other id. (Account and migration id are not
 * split apart: both may hold dashes.)
 */
export function parseWorkflowId(
  workflowId: string,
): { migration: string; albumKey?: string; retry?: number } | undefined {
  const match = /^(migrate-[^/]+)(?:\/album-([A-Za-z0-9]+)(?:\/retry-(\d+))?)?$/.exec(workflowId);
  if (!match) return undefined;
  return { migration: match[1], albumKey: match[2], retry: match[2] ? Number(match[3] ?? 0) : undefined };
}

/** The one schedule of an account's incremental sync (`sync-<nickname>`), so an account has at most one. */
export function accountScheduleId(account: string): string {
  return `sync-${account.toLowerCase()}`;
}

/** The workflow id a schedule's runs start from; Temporal appends the time each run fires. */
export function scheduledSyncWorkflowId(account: string): string {
  return `scheduled-sync-${account.toLowerCase()}`;
}

/** An audit's workflow id: `audit-<bucket>-<auditId>`. */
export function auditWorkflowId(bucket: string, auditId: string): string {
  return `audit-${bucket}-${auditId}`;
}

/** The one audit schedule of a bucket (`audit-schedule-<bucket>`); its runs take ids `audit-<bucket>-scheduled-<time>`. */
export function auditScheduleId(bucket: string): string {
  return `audit-schedule-${bucket}`;
}
export function scheduledAuditWorkflowId(bucket: string): string {
  return `audit-${bucket}-scheduled`;
}

/** A restore out of the archive classes: one per bucket and restore id. */
export function restoreWorkflowId(bucket: string, restoreId: string): string {
  return `restore-${bucket}-${restoreId}`;
}

/** A restore to SmugMug: one per account and restore id (`to-smugmug-<account>-<id>`). */
export function smugmugRestoreWorkflowId(account: string, restoreId: string): string {
  return `to-smugmug-${account.toLowerCase()}-${restoreId}`;
}

/** An album's run of a restore to SmugMug; `retry` > 0 for a failed album run again. */
export function albumRestoreWorkflowId(restoreWorkflowId: string, albumKey: string, retry = 0): string {
  return `${restoreWorkflowId}-album-${albumKey}${retry > 0 ? `-retry-${retry}` : ''}`;
}

/** The S3 restore an album's run of a restore to SmugMug waits for, out of GLACIER or DEEP_ARCHIVE. */
export function albumThawWorkflowId(albumRunWorkflowId: string): string {
  return `${albumRunWorkflowId}-s3`;
}
