import { z } from '@hono/zod-openapi';
import { duration, MigrationInput, ScheduledSyncInput } from '../common/migration-input';
import * as records from '../common/records';
import * as documents from '../state/documents';

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
  .openapi('Error');

/** Starting a migration: the migration input, its id optional (one is made). */
export const StartMigrationRequest = MigrationInput.extend({
  migrationId: MigrationInput.shape.migrationId.optional(),
}).openapi('StartMigrationRequest');

export const MigrationStarted = z
  .object({ id: z.string(), migrationId: z.string(), uiUrl: z.string(), statusUrl: z.string() })
  .openapi('MigrationStarted');

export const MigrationIdParam = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'migrate-jane-2026-11' }),
});
export const AlbumParams = MigrationIdParam.extend({
  albumKey: z
    .string()
    .regex(/^[A-Za-z0-9]{1,20}$/)
    .openapi({ param: { name: 'albumKey', in: 'path' } }),
});

export const Paging = z.object({
  page: z.coerce
    .number()
    .int()
    .min(1)
    .default(1)
    .openapi({ param: { name: 'page', in: 'query' } }),
  pageSize: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ param: { name: 'pageSize', in: 'query' } }),
});

export const ListMigrationsQuery = Paging.extend({
  account: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,60}$/)
    .optional()
    .openapi({ param: { name: 'account', in: 'query' } }),
  phase: z
    .string()
    .regex(/^[a-z-]{1,40}$/)
    .optional()
    .openapi({
      param: { name: 'phase', in: 'query' },
      description: 'migration phase, e.g. migrating, completed-with-failures',
    }),
  /** The name this filter had before; it filters by phase too (the answers' `status` is Temporal's run status). */
  status: z
    .string()
    .regex(/^[a-z-]{1,40}$/)
    .optional()
    .openapi({ param: { name: 'status', in: 'query' }, description: 'deprecated: use phase', deprecated: true }),
});

export const MigrationSummary = z
  .object({
    id: z.string(),
    account: z.string().optional(),
    status: z.string(),
    phase: z.string().optional(),
    startedAt: z.string(),
    closedAt: z.string().optional(),
    uiUrl: z.string(),
  })
  .openapi('MigrationSummary');

export const MigrationList = z
  .object({ migrations: z.array(MigrationSummary), page: z.number(), pageSize: z.number(), hasMore: z.boolean() })
  .openapi('MigrationList');

/** A migration in detail: its Temporal run `status`, its `phase`, counts, progress and deletion. */
export const MigrationDetails = MigrationSummary.extend({
  counts: records.MigrationCounts.optional(),
  inFlight: z.array(z.string()).optional(),
  failedAlbums: z.record(z.string(), z.string()).optional(),
  report: z.object({ key: z.string(), digest: z.string() }).optional(),
  deletion: records.DeletionCounts.optional(),
  bucket: records.BucketReport.optional(),
  inFlightAlbums: z.array(records.AlbumProgress.extend({ workflowId: z.string(), albumKey: z.string() })).optional(),
  bytesPerSecond: z.number().optional(),
  etaSeconds: z.number().optional(),
  /** Why a failed, cancelled or terminated migration ended (decoded from its history). */
  failure: z.string().optional(),
  /** false when no worker answered in time: counts are absent and `phase` comes from the search attributes. */
  workerAnswered: z.boolean().optional(),
  notice: z.string().optional(),
}).openapi('MigrationDetails');

export const AlbumRun = z
  .object({
    albumKey: z.string(),
    workflowId: z.string(),
    status: z.string(),
    runStatus: z.string().optional(),
    startedAt: z.string().optional(),
    closedAt: z.string().optional(),
    summary: z.record(z.string(), z.unknown()).optional(),
    /** For failed albums (`status=failed`): the album's folders and name, and why its last run failed. */
    path: z.array(z.string()).optional(),
    error: z.string().optional(),
  })
  .openapi('AlbumRun');

export const AlbumsQuery = Paging.extend({
  status: z
    .enum(['failed'])
    .optional()
    .openapi({
      param: { name: 'status', in: 'query' },
      description:
        "failed: every album whose last run failed, from the bucket's complete list; otherwise every album run",
    }),
});
export const AlbumList = z
  .object({ albums: z.array(AlbumRun), page: z.number(), pageSize: z.number(), hasMore: z.boolean() })
  .openapi('AlbumList');

export const RetryAccepted = z.object({ retried: z.array(z.string()) }).openapi('RetryAccepted');

export const ApprovalRequest = records.ApprovalRequest.openapi('ApprovalRequest');

/** A held item of the approved albums, and whether this approval includes it (deletes it too). */
export const HeldItem = documents.HeldItem.extend({ albumKey: z.string(), included: z.boolean() }).openapi('HeldItem');

/** The migration's verification report as stored in the bucket (state/documents.ts); its digest is what approvals name. */
export const Report = z
  .object({ key: z.string(), digest: z.string(), report: documents.MigrationReport })
  .openapi('Report');

export const ApprovalResult = z
  .object({
    approvalId: z.string(),
    approved: z.array(z.string()),
    alreadyApproved: z.array(z.string()),
    dryRun: z.boolean(),
    /** The held items of the approved albums, and whether this approval includes them. */
    held: z.array(HeldItem),
  })
  .openapi('ApprovalResult');

export const Accepted = z.object({ id: z.string(), status: z.string() }).openapi('Accepted');

/** A plan: a migration's dry run (nothing copied, nothing deleted), with the same target and album filters. */
export const StartPlanRequest = StartMigrationRequest.omit({ dryRun: true, deletion: true }).openapi(
  'StartPlanRequest',
);

export const PlanStarted = z
  .object({ id: z.string(), migrationId: z.string(), uiUrl: z.string(), planUrl: z.string() })
  .openapi('PlanStarted');

export const PlanQuery = z.object({
  smugmugPlan: z
    .string()
    .min(1)
    .max(60)
    .optional()
    .openapi({ param: { name: 'smugmugPlan', in: 'query' }, description: 'the SmugMug plan you pay for, to compare' }),
  smugmugMonthlyUsd: z.coerce
    .number()
    .nonnegative()
    .max(10_000)
    .optional()
    .openapi({
      param: { name: 'smugmugMonthlyUsd', in: 'query' },
      description: 'what that plan costs you a month, in US dollars',
    }),
});

/** A plan's report (state/documents.ts), with the comparison to the SmugMug plan named in the query. */
export const Plan = documents.PlanReport.extend({
  smugmug: z
    .object({ plan: z.string(), monthlyUsd: z.number(), cheapestClass: z.string(), cheapestMonthlyUsd: z.number() })
    .optional(),
}).openapi('Plan');

/** A zone name this runtime knows (IANA's database, as Temporal's server reads it). */
function isTimeZone(name: string): boolean {
  try {
    return new Intl.DateTimeFormat('en', { timeZone: name }).resolvedOptions().timeZone !== undefined;
  } catch {
    return false;
  }
}

/** A schedule of incremental syncs for an account: what each run copies, and when runs fire. */
export const CreateScheduleRequest = ScheduledSyncInput.extend({
  every: duration.optional().openapi({ example: '24h', description: 'an interval between runs' }),
  cron: z
    .string()
    .regex(/^(@\w+|\S+( \S+){4,6})$/, 'a cron expression such as "0 3 * * *", or @daily')
    .optional()
    .openapi({ example: '0 3 * * *', description: 'or a cron expression (in timeZone)' }),
  timeZone: z
    .string()
    .default('UTC')
    .refine(isTimeZone, 'an IANA time zone such as "Europe/Paris" or "UTC"')
    .openapi({ description: 'the zone cron expressions are read in' }),
  /** A run missed while Temporal was down is still started if it is at most this late. */
  catchupWindow: duration.default('1 hour'),
  paused: z.boolean().default(false),
  note: z.string().max(500).optional(),
})
  .strict()
  .refine((r) => (r.every === undefined) !== (r.cron === undefined), {
    message: 'give either every (e.g. "24h") or cron (e.g. "0 3 * * *"), not both',
    path: ['every'],
  })
  .openapi('CreateScheduleRequest');

export const ScheduleIdParam = z.object({
  scheduleId: z
    .string()
    .regex(/^sync-[a-z0-9-]{1,60}$/)
    .openapi({ param: { name: 'scheduleId', in: 'path' }, example: 'sync-jane' }),
});

export const ScheduleStateChange = z.object({ note: z.string().max(500).optional() }).openapi('ScheduleStateChange');

export const ScheduledRun = z
  .object({
    /** The scheduled run's workflow; it starts the migration and waits for it. */
    workflowId: z.string(),
    status: z.string(),
    startedAt: z.string(),
    closedAt: z.string().optional(),
    /** The migration it started (absent when skipped, as one was running, or not started yet). */
    migration: z.string().optional(),
  })
  .openapi('ScheduledRun');

export const Schedule = z
  .object({
    id: z.string(),
    account: z.string(),
    target: z.object({ bucket: z.string(), prefix: z.string() }),
    every: z.string().optional(),
    cron: z.string().optional(),
    timeZone: z.string(),
    catchupWindow: z.string(),
    /** Always "skip": a firing while a run is still going is skipped, never queued or doubled. */
    overlap: z.literal('skip'),
    paused: z.boolean(),
    note: z.string().optional(),
    nextRuns: z.array(z.string()),
    /** Firings skipped because a run was still going, and runs missed beyond the catch-up window. */
    skippedBecauseRunning: z.number(),
    missedCatchupWindow: z.number(),
    runs: z.array(ScheduledRun),
    uiUrl: z.string(),
  })
  .openapi('Schedule');

export const ScheduleList = z.object({ schedules: z.array(Schedule.omit({ runs: true })) }).openapi('ScheduleList');
