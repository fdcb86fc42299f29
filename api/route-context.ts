import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import type { ApiConfig } from './config';
import type { MigrationLookups } from './migration-lookups';

/** What the routes of the API work with: its configuration, Temporal, the bucket and the shared look-ups. */
export interface RouteContext {
  config: ApiConfig;
  client: Client;
  s3: S3Client;
  lookups: MigrationLookups;
  /** The Temporal UI page of a workflow, for operators. */
  uiUrl: (workflowId: string) => string;
}
