import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import type { ApiConfig } from './config';
import type { MigrationLookups } from './migration-lookups';
import type { MigrationService } from './migration-service';
import type { ScheduleService } from './schedule-service';

/** What the routes of the API work with: its configuration, Temporal, the bucket and the shared look-ups. */
export interface RouteContext {
  config: ApiConfig;
  client: Client;
  s3: S3Client;
  lookups: MigrationLookups;
  /** What a person does with a migration, shared by the JSON routes and the pages. */
  service: MigrationService;
  /** An account's scheduled syncs, shared by the JSON routes and the pages. */
  schedules: ScheduleService;
  /** The Temporal UI page of a workflow, for operators. */
  uiUrl: (workflowId: string) => string;
}
