import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import type { ByteBudget } from './byte-budget';
import type { WorkerConfig } from './config';
import type { Md5Thread } from './md5-thread';
import type { SmugMugClient } from './smugmug-client';

/** What activities need from the worker: clients built from its environment, never from workflow input. */
export interface ActivityDeps {
  config: WorkerConfig;
  smugmug: SmugMugClient;
  s3: S3Client;
  /** Bytes all transfers of this worker may hold in memory at once. */
  memory: ByteBudget;
  /** The MD5 of large files, off the worker's JavaScript thread. */
  md5Thread: Md5Thread;
  /** Temporal itself, on the worker's connection: a scheduled run starts its migration through it. */
  temporal: Client;
}
