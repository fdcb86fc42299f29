import { z } from '@hono/zod-openapi';
import * as records from '../common/records';
import * as service from '../service/records';

/**
 * The JSON API's schemas: the service's records (service/records.ts, common/records.ts) named for
 * the OpenAPI document, and what only the API has (path and query parameters, paging, its answers'
 * envelopes, the error body). Named with zod's own `.meta()`, which the OpenAPI generator reads: the
 * records are made before @hono/zod-openapi is loaded, so they have no `.openapi()`.
 */

/** A failure: what went wrong, and for bad input which fields. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      issues: z.array(z.object({ field: z.string(), problem: z.string() })).optional(),
      runningId: z.string().optional(),
    }),
  })
  .meta({ id: 'Error' });

export const StartMigrationRequest = service.StartMigrationRequest.meta({ id: 'StartMigrationRequest' });
export const MigrationStarted = z
  .object({ id: z.string(), migrationId: z.string(), uiUrl: z.string(), statusUrl: z.string() })
  .meta({ id: 'MigrationStarted' });

export const MigrationIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .meta({ param: { name: 'id', in: 'path' }, example: 'migrate-jane-2026-11' }),
});
export const AlbumParams = MigrationIdParam.extend({
  albumKey: records.SmugMugKey.meta({ param: { name: 'albumKey', in: 'path' } }),
});

export const Paging = z.object({
  page: z.coerce
    .number()
    .int()
    .min(1)
    .default(1)
    .meta({ param: { name: 'page', in: 'query' } }),
  pageSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .meta({ param: { name: 'pageSize', in: 'query' } }),
});

export const ListMigrationsQuery = Paging.extend({
  account: records.Nickname.optional().meta({ param: { name: 'account', in: 'query' } }),
  phase: records.MigrationPhase.optional().meta({ param: { name: 'phase', in: 'query' } }),
  /** The name this filter had before; it filters by phase too (the answers' `status` is Temporal's run status). */
  status: records.MigrationPhase.optional().meta({
    param: { name: 'status', in: 'query' },
    description: 'deprecated: use phase',
    deprecated: true,
  }),
});

export const MigrationSummary = service.MigrationSummary.meta({ id: 'MigrationSummary' });
export const MigrationList = z
  .object({ migrations: z.array(MigrationSummary), page: z.number(), pageSize: z.number(), hasMore: z.boolean() })
  .meta({ id: 'MigrationList' });
export const MigrationDetails = service.MigrationDetails.meta({ id: 'MigrationDetails' });

export const AlbumRun = service.AlbumRun.meta({ id: 'AlbumRun' });
export const AlbumsQuery = Paging.extend({
  status: z
    .enum(['failed'])
    .optional()
    .meta({
      param: { name: 'status', in: 'query' },
      description:
        "failed: every album whose last run failed, from the bucket's complete list; otherwise every album run",
    }),
});
export const AlbumList = z
  .object({ albums: z.array(AlbumRun), page: z.number(), pageSize: z.number(), hasMore: z.boolean() })
  .meta({ id: 'AlbumList' });

export const RetryAccepted = records.RetryResult.meta({ id: 'RetryAccepted' });

export const ApprovalRequest = records.ApprovalRequest.meta({ id: 'ApprovalRequest' });
export const HeldItem = service.HeldItemChoice.meta({ id: 'HeldItem' });
export const Report = service.Report.meta({ id: 'Report' });
export const ApprovalResult = service.ApprovalOutcome.extend({ held: z.array(HeldItem) }).meta({
  id: 'ApprovalResult',
});

export const Accepted = z.object({ id: z.string(), status: z.string() }).meta({ id: 'Accepted' });

export const StartPlanRequest = service.StartPlanRequest.meta({ id: 'StartPlanRequest' });
export const PlanStarted = z
  .object({ id: z.string(), migrationId: z.string(), uiUrl: z.string(), planUrl: z.string() })
  .meta({ id: 'PlanStarted' });

export const PlanQuery = z.object({
  smugmugPlan: z
    .string()
    .min(1)
    .max(60)
    .optional()
    .meta({ param: { name: 'smugmugPlan', in: 'query' }, description: 'the SmugMug plan you pay for, to compare' }),
  smugmugMonthlyUsd: z.coerce
    .number()
    .nonnegative()
    .max(10_000)
    .optional()
    .meta({
      param: { name: 'smugmugMonthlyUsd', in: 'query' },
      description: 'what that plan costs you a month, in US dollars',
    }),
});
export const Plan = service.Plan.meta({ id: 'Plan' });

export const CreateScheduleRequest = service.CreateScheduleRequest.meta({ id: 'CreateScheduleRequest' });
export const ScheduleIdParam = z.object({
  scheduleId: z
    .string()
    .regex(/^sync-[a-z0-9-]{1,60}$/)
    .meta({ param: { name: 'scheduleId', in: 'path' }, example: 'sync-jane' }),
});
export const ScheduleStateChange = z
  .object({ note: z.string().max(500).optional() })
  .meta({ id: 'ScheduleStateChange' });
export const ScheduledRun = service.ScheduledRun.meta({ id: 'ScheduledRun' });
export const Schedule = service.Schedule.extend({ runs: z.array(ScheduledRun) }).meta({ id: 'Schedule' });
export const ScheduleList = z
  .object({ schedules: z.array(service.ScheduleSummary.meta({ id: 'ScheduleSummary' })) })
  .meta({ id: 'ScheduleList' });

export const AuditRequest = service.AuditRequest.meta({ id: 'AuditRequest' });
export const AuditDetails = service.AuditDetails.meta({ id: 'Audit' });
export const AuditList = z.object({ audits: z.array(AuditDetails), hasMore: z.boolean() }).meta({ id: 'AuditList' });
export const AuditReport = service.AuditReport.meta({ id: 'AuditReport' });
export const AuditScheduleRequest = service.AuditScheduleRequest.meta({ id: 'AuditScheduleRequest' });
export const AuditScheduled = z
  .object({ scheduleId: z.string(), nextRuns: z.array(z.string()) })
  .meta({ id: 'AuditScheduled' });
export const AuditIdParam = z.object({
  id: z
    .string()
    .regex(/^audit-[A-Za-z0-9.:_-]{5,200}$/)
    .meta({ param: { name: 'id', in: 'path' }, example: 'audit-photos-archive-20261206142501' }),
});

export const CreateShareRequest = service.CreateShareRequest.meta({ id: 'CreateShareRequest' });
export const ShareDetails = service.ShareDetails.meta({ id: 'Share' });
export const ShareMade = service.ShareMade.meta({ id: 'ShareMade' });
export const ShareList = z.object({ shares: z.array(ShareDetails) }).meta({ id: 'ShareList' });
export const BucketQuery = z.object({
  bucket: records.BucketName.meta({ param: { name: 'bucket', in: 'query' }, example: 'photos-archive' }),
});
export const ShareIdParam = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{12}$/)
    .meta({ param: { name: 'id', in: 'path' }, example: '3fa94c0be1d2' }),
});
export const ArchiveRestoreRequest = service.ArchiveRestoreRequest.meta({ id: 'ArchiveRestoreRequest' });
export const RestoreQuoteRequest = service.ArchiveRestoreRequest.pick({
  bucket: true,
  prefix: true,
  albums: true,
}).meta({
  id: 'RestoreQuoteRequest',
});
export const RestoreQuote = service.RestoreQuote.meta({ id: 'RestoreQuote' });
export const RestoreDetails = service.RestoreDetails.meta({ id: 'ArchiveRestore' });
export const RestoreList = z
  .object({ restores: z.array(RestoreDetails), hasMore: z.boolean() })
  .meta({ id: 'ArchiveRestoreList' });
export const RestoreIdParam = z.object({
  id: z
    .string()
    .regex(/^restore-[A-Za-z0-9.:_-]{5,200}$/)
    .meta({ param: { name: 'id', in: 'path' }, example: 'restore-photos-archive-20261206142501-a1b2c3' }),
});

export const SmugMugRestoreRequest = service.SmugMugRestoreRequest.meta({ id: 'SmugMugRestoreRequest' });
export const SmugMugRestoreDetails = service.SmugMugRestoreDetails.meta({ id: 'SmugMugRestore' });
export const SmugMugRestoreList = z
  .object({ restores: z.array(SmugMugRestoreDetails), hasMore: z.boolean() })
  .meta({ id: 'SmugMugRestoreList' });
export const SmugMugRestoreIdParam = z.object({
  id: z
    .string()
    .regex(/^to-smugmug-[A-Za-z0-9.:_-]{5,200}$/)
    .meta({ param: { name: 'id', in: 'path' }, example: 'to-smugmug-jane-20261207101500-a1b2c3' }),
});
