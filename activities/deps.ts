import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import type { AuditSettings } from '../common/audit';
import type { TemporalSettings } from '../config/temporal';
import type { BatchChecksumSettings } from '../s3/batch-checksum';
import type { S3Settings } from '../s3/client';
import type { ReplicaClients } from '../s3/replicas';
import type { SmugMugAccounts } from '../smugmug/accounts';
import type { AdaptiveConcurrency } from '../transfer/adaptive-concurrency';
import type { ByteBudget } from '../transfer/byte-budget';
import type { Md5Thread } from '../transfer/md5-thread';
import type { TransferSettings } from '../transfer/settings';

/** The settings activities read: how to copy, the store (prices, refusals that name it), the task queue (scheduled starts), the audit's webhook. */
export type ActivitySettings = TransferSettings &
  AuditSettings &
  BatchChecksumSettings &
  Pick<S3Settings, 'AWS_REGION' | 'AWS_ENDPOINT_URL_S3'> &
  Pick<TemporalSettings, 'TEMPORAL_TASK_QUEUE'>;

/** What activities need from the worker: clients built from its environment, never from workflow input. */
export interface ActivityDeps {
  config: ActivitySettings;
  /** Each account's SmugMug client, its token read when needed (smugmug-of-run.ts for an album's activities). */
  smugmug: SmugMugAccounts;
  s3: S3Client;
  /** The replica connections the worker's configuration names (S3_REPLICAS): a second copy's store. */
  replicas: ReplicaClients;
  /** Bytes all transfers of this worker may hold in memory at once. */
  memory: ByteBudget;
  /** How many small files this worker copies at once: adapted to what the network delivers, or fixed. */
  fileSlots: AdaptiveConcurrency;
  /** The MD5 of large files, off the worker's JavaScript thread. */
  md5Thread: Md5Thread;
  /** Temporal itself, on the worker's connection: a scheduled run starts its migration through it. */
  temporal: Client;
}
