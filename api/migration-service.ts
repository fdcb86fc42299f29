import type { z } from '@hono/zod-openapi';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import { createHash } from 'node:crypto';
import { parseWorkflowId } from '../common/ids';
import { DeletionLog, FailedAlbumRecord, PlanReport } from '../state/documents';
import {
  albumKeyOfFailedMarker,
  deletionLogKey,
  failedAlbumKey,
  failedAlbumsPrefix,
  planPrefixOf,
  planReportKey,
} from '../state/layout';
import { StateStore } from '../state/store';
import { albumProgress, approveDeletion, retryAlbums } from '../workflows/messages';
import { SmugMugAccount, StatusAttribute } from '../workflows/search-attributes';
import type { MigrationLookups } from './migration-lookups';
import type * as s from './schemas';
import { conflict, httpErrorOf } from './temporal-errors';

type StoredReport = z.infer<typeof s.Report>['report'];
export type MigrationDetails = z.infer<typeof s.MigrationDetails>;
export type ApprovalRequest = z.infer<typeof s.ApprovalRequest>;
export type ApprovalResult = z.infer<typeof s.ApprovalResult>;

/**
 * What a person does with a migration, whatever they do it through: the JSON API's routes and the
 * photographer's pages call these, so both answer and refuse alike.
 */
export class MigrationService {
  constructor(
    private readonly client: Client,
    private readonly s3: S3Client,
    private readonly lookups: MigrationLookups,
    private readonly uiUrl: (workflowId: string) => string,
  ) {}

  /** Status: phase, counts, rate and ETA, the albums in flight with their progress, failures, deletion. */
  async details(id: string): Promise<MigrationDetails> {
    const { description, progress, workerAnswered, failure } = await this.lookups.progressOf(id);
    const startedAt = description.startTime;
    const running = description.status.name === 'RUNNING';
    const elapsed = ((description.closeTime ?? new Date()).getTime() - startedAt.getTime()) / 1000;
    const k = progress?.counts;
    const settled = k ? k.albumsDone + k.albumsFailed : 0;
    return {
      id,
      account: description.typedSearchAttributes.get(SmugMugAccount),
      inFlightAlbums: running && progress ? await this.inFlightAlbums(progress.inFlight) : undefined,
      status: description.status.name,
      phase: progress?.phase ?? description.typedSearchAttributes.get(StatusAttribute),
      startedAt: startedAt.toISOString(),
      closedAt: description.closeTime?.toISOString(),
      uiUrl: this.uiUrl(id),
      counts: k,
      inFlight: progress?.inFlight,
      failedAlbums: progress?.failedAlbums,
      report: progress?.report,
      deletion: progress?.deletion,
      bucket: progress?.bucket,
      bytesPerSecond: k && elapsed > 0 ? Math.round(k.transferredBytes / elapsed) : undefined,
      etaSeconds:
        k && settled > 0 && running
          ? Math.round((elapsed / settled) * Math.max(0, k.albumsTotal - settled))
          : undefined,
      failure,
      ...(workerAnswered
        ? {}
        : {
            workerAnswered,
            notice:
              "No worker is polling for this migration: progress resumes when one runs (npm run worker). Phase from Temporal's own records.",
          }),
    };
  }

  /** A page of migrations, newest first, from Temporal's visibility and the search attributes. */
  async list(filter: { account?: string; phase?: string }, page: number, pageSize: number) {
    const clauses = [`WorkflowType = 'accountMigration'`];
    if (filter.account) clauses.push(`SmugMugAccount = '${filter.account}'`);
    if (filter.phase) clauses.push(`${StatusAttribute.name} = '${filter.phase}'`);
    const { items: migrations, hasMore } = await this.lookups.visibilityPage(
      clauses.join(' AND '),
      page,
      pageSize,
      (wf): z.infer<typeof s.MigrationSummary> => ({
        id: wf.workflowId,
        account: wf.typedSearchAttributes.get(SmugMugAccount),
        status: wf.status.name,
        phase: wf.typedSearchAttributes.get(StatusAttribute),
        startedAt: wf.startTime.toISOString(),
        closedAt: wf.closeTime?.toISOString(),
        uiUrl: this.uiUrl(wf.workflowId),
      }),
    );
    return { migrations, hasMore };
  }

  /** A page of the migration's failed albums, from the markers in the bucket: all of them, however many. */
  async failedAlbums(id: string, page: number, pageSize: number) {
    const { progress } = await this.lookups.progressOf(id);
    // Runs from before the progress named its migration id cannot say where their markers are.
    const migrationId = progress?.migrationId;
    if (!progress || !migrationId)
      throw conflict('The failed albums are listed once a worker answers for this migration');
    const { bucket, prefix } = progress.target;
    const keys: string[] = [];
    let hasMore = false;
    let seen = 0;
    const store = new StateStore(this.s3, bucket);
    for await (const key of store.keys(failedAlbumsPrefix(prefix, migrationId))) {
      seen += 1;
      if (seen <= (page - 1) * pageSize) continue;
      if (keys.length === pageSize) {
        hasMore = true;
        break;
      }
      keys.push(albumKeyOfFailedMarker(prefix, migrationId, key));
    }
    const records = await Promise.all(
      keys.map((k) => store.get(failedAlbumKey(prefix, migrationId, k), FailedAlbumRecord)),
    );
    const albums = records
      .filter((r) => r !== undefined)
      .map((r) => ({
        albumKey: r.albumKey,
        workflowId: r.workflowId,
        status: 'failed',
        closedAt: r.failedAt,
        path: r.path,
        error: r.error,
      }));
    return { albums, hasMore };
  }

  /**
   * A plan's report (a dry run's): per album and in total, files, bytes, held items, duplicates and
   * the cost per storage class; beside the cheapest, the SmugMug plan the person names.
   */
  async plan(id: string, smugmugPlan: { plan?: string; monthlyUsd?: number } = {}): Promise<z.infer<typeof s.Plan>> {
    const { description, progress } = await this.lookups.progressOf(id);
    if (!progress?.migrationId)
      throw conflict(
        `The plan of ${id} is not ready (${description.status.name}): it is written once every album is planned`,
      );
    const plan = await new StateStore(this.s3, progress.target.bucket).get(
      planReportKey(progress.target.prefix, progress.migrationId),
      PlanReport,
    );
    if (!plan)
      throw conflict(
        `The plan of ${id} is not ready: it is written once every album is planned (or ${id} is not a plan)`,
      );
    const cheapest = plan.costs.classes.reduce((a, b) => (b.monthlyUsd < a.monthlyUsd ? b : a));
    const smugmug =
      smugmugPlan.monthlyUsd === undefined
        ? undefined
        : {
            plan: smugmugPlan.plan ?? 'SmugMug',
            monthlyUsd: smugmugPlan.monthlyUsd,
            cheapestClass: cheapest.storageClass,
            cheapestMonthlyUsd: cheapest.monthlyUsd,
          };
    return { ...plan, smugmug };
  }

  /**
   * The deletion records (`deletion.json`) of the report's albums that have one: who approved, when,
   * what went, what was already gone, and the held items kept or included. The first `limit` albums.
   */
  async deletionRecords(id: string, limit: number) {
    const { report } = await this.lookups.currentReport(id);
    const store = new StateStore(this.s3, report.bucket);
    const records = await Promise.all(
      report.albums.slice(0, limit).map(async (album) => {
        const key = deletionLogKey(planPrefixOf(report.prefix, report.migrationId, album.albumKey), false);
        const log = await store.get(key, DeletionLog);
        return log && { album, key, log };
      }),
    );
    return records.filter((r) => r !== undefined);
  }

  /** Runs failed albums again (these, or every failed one); only what is missing is copied. */
  async retry(id: string, albumKeys?: string[]) {
    try {
      return await this.client.workflow.getHandle(id).executeUpdate(retryAlbums, { args: [{ albumKeys }] });
    } catch (err) {
      throw httpErrorOf(err, `Migration ${id}`);
    }
  }

  /**
   * Approves deleting the verified originals of the named albums, only for the report the approver
   * read (its digest), with the held items the approval names; the same request twice is one approval.
   */
  async approve(id: string, request: ApprovalRequest, idempotencyKey?: string): Promise<ApprovalResult> {
    const approvalId =
      idempotencyKey ??
      createHash('sha256')
        .update(JSON.stringify([id, request]))
        .digest('hex')
        .slice(0, 32);
    const { digest, report } = await this.lookups.currentReport(id);
    if (digest !== request.reportDigest)
      throw conflict('The report digest does not match the current report: read the report again, then approve');
    const held = heldOf(report, request);
    try {
      const result = await this.client.workflow
        .getHandle(id)
        .executeUpdate(approveDeletion, { args: [{ ...request, approvalId }], updateId: `approve-${approvalId}` });
      return { ...result, held };
    } catch (err) {
      throw httpErrorOf(err, `Migration ${id}`);
    }
  }

  private async inFlightAlbums(workflowIds: string[]): Promise<MigrationDetails['inFlightAlbums']> {
    const albums = await Promise.all(
      workflowIds.map(async (workflowId) => {
        const album = await this.lookups.queryOrGiveUp(() =>
          this.client.workflow.getHandle(workflowId).query(albumProgress),
        );
        return album && { workflowId, albumKey: parseWorkflowId(workflowId)?.albumKey ?? '', ...album };
      }),
    );
    return albums.filter((a) => a !== undefined);
  }
}

/**
 * The held items of the albums an approval names, and which it includes; an approval naming an
 * ImageKey that is not held in those albums is refused, so a typo never passes for a choice.
 */
function heldOf(report: StoredReport, request: ApprovalRequest): Array<z.infer<typeof s.HeldItem>> {
  const approved =
    request.albums === 'all'
      ? new Set(report.albums.filter((a) => a.passed).map((a) => a.albumKey))
      : new Set(request.albums);
  const held = (report.held ?? []).filter((h) => approved.has(h.albumKey));
  const named = Array.isArray(request.includeHeld) ? new Set(request.includeHeld) : new Set<string>();
  const unknown = [...named].filter((k) => !held.some((h) => h.imageKey === k));
  if (unknown.length > 0)
    throw conflict(`Not held items of the approved albums, so not included: ${unknown.join(', ')}`);
  return held.map((h) => ({
    ...h,
    included: request.includeHeld === 'transcodes' ? h.kind === 'transcode' : named.has(h.imageKey),
  }));
}
