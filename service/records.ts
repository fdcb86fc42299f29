import { z } from 'zod';
import { AuditPhase, AuditRequest, AuditSummary } from '../common/audit';
export { AuditRequest } from '../common/audit';
export { ArchiveRestoreRequest, CreateShareRequest } from '../common/archive';
export { SmugMugRestoreRequest } from '../common/smugmug-restore';
import * as toSmugMug from '../common/smugmug-restore';
import { duration, MigrationInput, ScheduledSyncInput } from '../common/migration-input';
import * as archive from '../common/archive';
import * as records from '../common/records';
import * as documents from '../state/documents';

/**
 * What the service receives and answers with, defined once: the JSON API names these in its OpenAPI
 * document (api/schemas.ts), the pages render them, the CLI types its calls with them.
 */

/** Starting a migration: the migration input, its id optional (one is made). */
export const StartMigrationRequest = MigrationInput.extend({
  migrationId: MigrationInput.shape.migrationId.optional(),
});
export type StartMigrationRequest = z.input<typeof StartMigrationRequest>;

/** A plan: a migration's dry run (nothing copied, nothing deleted), with the same target and album filters. */
export const StartPlanRequest = StartMigrationRequest.omit({ dryRun: true, deletion: true });
export type StartPlanRequest = z.input<typeof StartPlanRequest>;

/** A migration as the list shows it: its Temporal run `status` and its `phase`. */
export const MigrationSummary = z.object({
  id: z.string(),
  account: z.string().optional(),
  status: z.string(),
  phase: records.MigrationPhase.optional(),
  startedAt: z.string(),
  closedAt: z.string().optional(),
  uiUrl: z.string(),
});
export type MigrationSummary = z.infer<typeof MigrationSummary>;

/** A migration in detail: its Temporal run `status`, its `phase`, counts, progress and deletion. */
export const MigrationDetails = MigrationSummary.extend({
  ...records.MigrationProgress.pick({
    counts: true,
    inFlight: true,
    failedAlbums: true,
    report: true,
    deletion: true,
    bucket: true,
  }).partial().shape,
  inFlightAlbums: z.array(records.AlbumProgress.extend({ workflowId: z.string(), albumKey: z.string() })).optional(),
  bytesPerSecond: z.number().optional(),
  etaSeconds: z.number().optional(),
  /** Why a failed, cancelled or terminated migration ended (decoded from its history). */
  failure: z.string().optional(),
  /** false when no worker answered in time: counts are absent and `phase` comes from the search attributes. */
  workerAnswered: z.boolean().optional(),
  notice: z.string().optional(),
});
export type MigrationDetails = z.infer<typeof MigrationDetails>;

/** An album's run (retries are runs of their own), or for the failed list, an album whose last run failed. */
export const AlbumRun = z.object({
  albumKey: z.string(),
  workflowId: z.string(),
  status: records.AlbumStatus,
  runStatus: z.string().optional(),
  startedAt: z.string().optional(),
  closedAt: z.string().optional(),
  summary: z.record(z.string(), z.unknown()).optional(),
  /** For failed albums (`status=failed`): the album's folders and name, and why its last run failed. */
  path: z.array(z.string()).optional(),
  error: z.string().optional(),
});
export type AlbumRun = z.infer<typeof AlbumRun>;

/** A held item of the approved albums, and whether this approval includes it (deletes it too). */
export const HeldItemChoice = documents.HeldItem.extend({ albumKey: z.string(), included: z.boolean() });

/** The migration's verification report as stored in the bucket (state/documents.ts); its digest is what approvals name. */
export const Report = z.object({ key: z.string(), digest: z.string(), report: documents.MigrationReport });

/** What an approval did (or for a dry run, would do), with the held items of the approved albums. */
export const ApprovalOutcome = records.ApprovalResult.extend({
  /** The held items of the approved albums, and whether this approval includes them. */
  held: z.array(HeldItemChoice),
  /** What protects each approved album's copies beyond versioning (Object Lock), in words and as recorded. */
  protection: z.array(
    z.object({
      albumKey: z.string(),
      words: z.string(),
      recorded: documents.ArchiveProtection.optional(),
    }),
  ),
});
export type ApprovalOutcome = z.infer<typeof ApprovalOutcome>;

/** A plan's report (state/documents.ts), with the comparison to the SmugMug plan the person names. */
export const Plan = documents.PlanReport.extend({
  smugmug: z
    .object({ plan: z.string(), monthlyUsd: z.number(), cheapestClass: z.string(), cheapestMonthlyUsd: z.number() })
    .optional(),
});
export type Plan = z.infer<typeof Plan>;

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
  every: duration.optional().meta({ example: '24h', description: 'an interval between runs' }),
  cron: z
    .string()
    .regex(/^(@\w+|\S+( \S+){4,6})$/, 'a cron expression such as "0 3 * * *", or @daily')
    .optional()
    .meta({ example: '0 3 * * *', description: 'or a cron expression (in timeZone)' }),
  timeZone: z
    .string()
    .default('UTC')
    .refine(isTimeZone, 'an IANA time zone such as "Europe/Paris" or "UTC"')
    .meta({ description: 'the zone cron expressions are read in' }),
  /** A run missed while Temporal was down is still started if it is at most this late. */
  catchupWindow: duration.default('1 hour'),
  paused: z.boolean().default(false),
  note: z.string().max(500).optional(),
})
  .strict()
  .refine((r) => (r.every === undefined) !== (r.cron === undefined), {
    message: 'give either every (e.g. "24h") or cron (e.g. "0 3 * * *"), not both',
    path: ['every'],
  });
export type CreateScheduleRequest = z.output<typeof CreateScheduleRequest>;

export const ScheduledRun = z.object({
  /** The scheduled run's workflow; it starts the migration and waits for it. */
  workflowId: z.string(),
  status: z.string(),
  startedAt: z.string(),
  closedAt: z.string().optional(),
  /** The migration it started (absent when skipped, as one was running, or not started yet). */
  migration: z.string().optional(),
});
export type ScheduledRun = z.infer<typeof ScheduledRun>;

export const Schedule = z.object({
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
});
export type Schedule = z.infer<typeof Schedule>;
export const ScheduleSummary = Schedule.omit({ runs: true });
export type ScheduleSummary = z.infer<typeof ScheduleSummary>;

/** An audit as the API and the pages show it: where it stands and, once done, its summary. */
export const AuditDetails = z.object({
  id: z.string(),
  auditId: z.string(),
  bucket: z.string(),
  prefix: z.string(),
  phase: AuditPhase,
  status: z.string(),
  startedAt: z.string(),
  closedAt: z.string().optional(),
  summary: AuditSummary.optional(),
  uiUrl: z.string(),
});
export type AuditDetails = z.infer<typeof AuditDetails>;

/** Audits of one bucket on an interval or a cron, in UTC (one schedule per bucket). */
export const AuditScheduleRequest = AuditRequest.extend({
  every: CreateScheduleRequest.shape.every.meta({ example: '30 days', description: 'an interval between audits' }),
  cron: CreateScheduleRequest.shape.cron.meta({ example: '0 4 1 * *', description: 'or a cron expression, in UTC' }),
})
  .strict()
  .refine((r) => (r.every === undefined) !== (r.cron === undefined), {
    message: 'give either every (e.g. "30 days") or cron (e.g. "0 4 1 * *"), not both',
    path: ['every'],
  });
export type AuditScheduleRequest = z.input<typeof AuditScheduleRequest>;

/** An audit's full report: every finding with its album (state/documents.ts). */
export const AuditReport = documents.AuditReport;
export type AuditReport = documents.AuditReport;

/** A share as the app and the API list it: its record, and whether it still works (never its secret). */
export const ShareDetails = documents.ShareRecord.extend({ state: z.enum(['active', 'revoked', 'expired']) });
export type ShareDetails = z.infer<typeof ShareDetails>;

/** A share just made: its link's path (with the secret, shown this once) and the share. */
export const ShareMade = z.object({ path: z.string(), share: ShareDetails });
export type ShareMade = z.infer<typeof ShareMade>;

/** What restoring a selection out of Glacier would take: its files by class, those readable now, each tier's cost and wait. */
export const RestoreQuote = z.object({
  files: z.number(),
  bytes: z.number(),
  /** Files in GLACIER or DEEP_ARCHIVE, their bytes and classes. */
  archived: z.object({ files: z.number(), bytes: z.number(), classes: z.array(z.string()) }),
  /** Images readable now: never archived, or restored already. */
  readableNow: z.number(),
  /** The tiers every archived file's class allows, each with its wait, and its cost where the price table has the region. */
  tiers: z.array(
    z.object({
      tier: archive.RestoreTier,
      usd: z.number().optional(),
      minHours: z.number(),
      maxHours: z.number(),
      wait: z.string(),
    }),
  ),
  region: z.string(),
});
export type RestoreQuote = z.infer<typeof RestoreQuote>;

/** A restore out of Glacier: its run, its phase, and each album's files as S3 last said. */
export const RestoreDetails = z.object({
  id: z.string(),
  restoreId: z.string(),
  bucket: z.string(),
  prefix: z.string(),
  status: z.string(),
  phase: archive.RestorePhase,
  startedAt: z.string(),
  closedAt: z.string().optional(),
  progress: archive.RestoreProgress.optional(),
  uiUrl: z.string(),
});
export type RestoreDetails = z.infer<typeof RestoreDetails>;

/** A restore to SmugMug: its run, its phase, albums done and failed, and where its report is. */
export const SmugMugRestoreDetails = z.object({
  id: z.string(),
  restoreId: z.string(),
  account: z.string(),
  bucket: z.string(),
  prefix: z.string(),
  status: z.string(),
  phase: toSmugMug.SmugMugRestorePhase,
  startedAt: z.string(),
  closedAt: z.string().optional(),
  progress: toSmugMug.SmugMugRestoreProgress.optional(),
  uiUrl: z.string(),
});
export type SmugMugRestoreDetails = z.infer<typeof SmugMugRestoreDetails>;
