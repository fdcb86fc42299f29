import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import type { CredentialStore } from '../config/credential-store';
import type { S3Settings } from '../s3/client';
import type { ReplicaClients } from '../s3/replicas';
import { ArchiveService } from './archive';
import { ArchiveRestoreService } from './archive-restores';
import { AuditService } from './audits';
import { BucketService } from './buckets';
import { DeletionService } from './deletion';
import { MigrationReads } from './migration-reads';
import { MigrationService } from './migrations';
import { PlanService } from './plans';
import { ScheduleService } from './schedules';
import { ShareService } from './shares';
import { SmugMugRestoreService } from './smugmug-restores';
import { type ServiceSettings, temporalUiLinks } from './settings';
import { S3AccessService } from './s3-access';
import { SmugMugConnection } from './smugmug-connection';

/**
 * The service layer: what a person does with migrations, plans, deletions, schedules, the SmugMug
 * connection, the bucket, audits of the archive, and the archive itself (browsing, shares, restores), and the way back to SmugMug, for the JSON API and the pages alike. Refusals are `Refusal`s
 * (./refusals.ts), which each face maps to its own answer.
 */
export function createServices(deps: {
  client: Client;
  s3: S3Client;
  replicas: ReplicaClients;
  settings: ServiceSettings & S3Settings;
  /** The credentials a person enters in the web app (the SmugMug app and accounts, S3's access). */
  store: CredentialStore;
}) {
  const { client, s3, replicas, settings, store } = deps;
  const links = temporalUiLinks(settings);
  const reads = new MigrationReads(client, s3, settings.TEMPORAL_TASK_QUEUE);
  const migrations = new MigrationService(client, s3, reads, settings.TEMPORAL_TASK_QUEUE, links);
  const archive = new ArchiveService(s3);
  return {
    migrations,
    plans: new PlanService(s3, reads, migrations),
    deletion: new DeletionService(client, s3, reads),
    schedules: new ScheduleService(client, settings.TEMPORAL_TASK_QUEUE, reads, links),
    smugmug: new SmugMugConnection(settings, store),
    s3Access: new S3AccessService(s3, store, settings),
    buckets: new BucketService(s3, replicas),
    audits: new AuditService(client, s3, reads, settings.TEMPORAL_TASK_QUEUE, links),
    archive,
    shares: new ShareService(s3, archive),
    restores: new ArchiveRestoreService(client, s3, archive, reads, settings.TEMPORAL_TASK_QUEUE, links),
    toSmugMug: new SmugMugRestoreService(client, archive, reads, settings.TEMPORAL_TASK_QUEUE, links),
    links,
  };
}
export type Services = ReturnType<typeof createServices>;
