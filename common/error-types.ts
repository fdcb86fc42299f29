/**
 * The failure types the service throws (ApplicationFailure types), in one list: thrown by name
 * from here, classified from here by the retry policies and mapped from here by the API.
 *
 * - permanent: no retry can mend it (wrong credentials or account, a missing bucket, a gone
 *   original): final at once, with its message.
 * - transient: an outage of SmugMug or S3 (connection refused or reset, 5xx, 429, SlowDown):
 *   retried with a capped backoff for as long as the outage lasts.
 * - repeatable: anything else (bytes that differ, a short download): retried a few times, then final.
 */
export const ErrorTypes = {
  SmugMugAuthError: 'permanent',
  WrongAccount: 'permanent',
  /** The account's SmugMug access was disconnected in the web app: nothing more is read until it is connected again. */
  SmugMugDisconnected: 'permanent',
  /** No SmugMug token for the account: neither connected in the web app nor in the worker's environment. */
  SmugMugNotConnected: 'permanent',
  BucketMissing: 'permanent',
  BucketAccessDenied: 'permanent',
  /** The store does not offer the storage class asked for (MinIO offers only STANDARD and REDUCED_REDUNDANCY). */
  StorageClassUnsupported: 'permanent',
  PlanMissing: 'permanent',
  /** An album's album.json is not where the archive's index says (deleted by hand since). */
  ManifestMissing: 'permanent',
  OriginalNotFound: 'permanent',
  NotVerified: 'permanent',
  VersioningRequired: 'permanent',
  /** An approval or deletion while the archive lacks the protection the migration requires (Object Lock). */
  ProtectionRequired: 'permanent',
  NoAlbumMatches: 'permanent',
  /** A migration names a replica connection its worker's configuration (S3_REPLICAS) lacks. */
  ReplicaNotConfigured: 'permanent',
  AlreadyMigrating: 'permanent',
  /** A retry of an album that has not failed (or is running). */
  NotFailed: 'permanent',
  /** A repeatable failure that kept happening: made final by the activity that saw it again and again. */
  RepeatedFailure: 'permanent',
  /** The account's desk refused a scheduled run's start for a reason of its own. */
  ScheduledStartRefused: 'permanent',
  /** SmugMug refused a folder or album the way back made (a name it does not take). */
  SmugMugRefusedWrite: 'permanent',
  /** A restore to SmugMug asked of an archive whose selection cannot go back as it is (too deep a folder). */
  RestoreNotPossible: 'permanent',
  SmugMugUnavailable: 'transient',
  SmugMugRateLimited: 'transient',
  S3Unavailable: 'transient',
  /** S3 replication has not yet copied an object to the replica bucket: waited for, as an outage. */
  ReplicationPending: 'transient',
  SmugMugError: 'repeatable',
  /** An upload SmugMug refused with a system error, or whose landing could not be confirmed: looked for, then sent again. */
  UploadUnconfirmed: 'repeatable',
  SmugMugNotFound: 'repeatable',
  SmugMugDownloadFailed: 'repeatable',
  FileTransferFailed: 'repeatable',
  ShortDownload: 'repeatable',
  SourceMismatch: 'repeatable',
  DeletionFailed: 'repeatable',
  /** A deep audit asked of a worker without the Batch Operations settings (AUDIT_BATCH_*). */
  DeepAuditNotConfigured: 'permanent',
  /** The deep audit's Batch Operations job failed or was cancelled. */
  BatchJobFailed: 'permanent',
  /** The operator's audit webhook did not take the summary. */
  WebhookFailed: 'repeatable',
} as const;

export type ErrorType = keyof typeof ErrorTypes;
export type ErrorClass = (typeof ErrorTypes)[ErrorType];

/** An error type by name, checked by the compiler: `errorType('BucketMissing')`. */
export const errorType = <T extends ErrorType>(type: T): T => type;

export const PERMANENT_ERROR_TYPES: ErrorType[] = (Object.keys(ErrorTypes) as ErrorType[]).filter(
  (t) => ErrorTypes[t] === 'permanent',
);
