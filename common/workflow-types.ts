/**
 * The workflow types the worker registers, by what each workflow is. The names are those the first
 * deployments registered, kept because histories, running workflows and visibility queries know
 * them: the migration is `accountMigration` and the account's desk `accountMigrations`, one letter
 * apart, which is why code says `WorkflowTypes.migration` and `WorkflowTypes.accountDesk` instead.
 * `workflows/index.ts` exports each workflow under its name here (a unit test keeps them equal).
 */
export const WorkflowTypes = {
  /** One migration of an account: preflight, discovery, its albums, report, approvals (workflows/migration/). */
  migration: 'accountMigration',
  /** The account's desk: starts the account's migrations one at a time (workflows/account-desk.ts). */
  accountDesk: 'accountMigrations',
  /** One album of a migration: plan, copy, verify, and the deletion gate (workflows/album/). */
  album: 'albumMigration',
  /** One firing of an account's schedule: a sync through the desk (workflows/scheduled-sync.ts). */
  scheduledSync: 'scheduledSync',
  /** An audit of the archive at rest, by hand or on a schedule (workflows/audit.ts). */
  audit: 'archiveAudit',
  /** A restore of albums out of an archive class, waiting until S3 makes them readable (workflows/archive-restore.ts). */
  archiveRestore: 'archiveRestore',
  /** The way back: albums of the archive put back on SmugMug (workflows/smugmug-restore/workflow.ts). */
  smugmugRestore: 'smugmugRestore',
  /** One album of a restore to SmugMug: thaw, folders and album(s), uploads, check (workflows/smugmug-restore/album.ts). */
  albumRestore: 'smugmugAlbumRestore',
} as const;
