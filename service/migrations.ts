import type { S3Client } from '@aws-sdk/client-s3';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { migrationHandle, startMigration } from '../client/start-migration';
import { parseWorkflowId } from '../common/ids';
import { albumProgress, retryAlbums } from '../common/messages';
import { MigrationInput } from '../common/migration-input';
import type { MigrationStarted } from '../common/migration-types';
import { AlbumStatus, MigrationPhase, type RetryResult } from '../common/records';
import {
  AccountAttribute,
  AlbumKeyAttribute,
  MigrationWorkflowIdAttribute,
  RunStateAttribute,
} from '../common/search-attributes';
import { WorkflowTypes } from '../common/workflow-types';
import { FailedAlbumRecord } from '../state/documents';
import { failedAlbumsPrefix } from '../state/layout';
import { StateStore } from '../state/store';
import type { MigrationReads } from './migration-reads';
import { type Page, pageOf } from './paging';
import type { AlbumRun, MigrationDetails, MigrationSummary, StartMigrationRequest } from './records';
import { alreadyMigrating, conflict, invalidInput, notFound, noWorker } from './refusals';
import type { TemporalUiLinks } from './settings';
import { askTemporal } from './temporal-refusals';

/** A migration's id when the person starting it gives none: the start time, `20261206142501`. */
const newMigrationId = () => new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);

/**
 * What a person does with migrations, whatever they do it through: the JSON API's routes and the
 * photographer's pages call these, so both answer and refuse alike (refusals: ./refusals.ts).
 */
export class MigrationService {
  constructor(
    private readonly client: Client,
    private readonly s3: S3Client,
    private readonly reads: MigrationReads,
    private readonly taskQueue: string,
    private readonly links: TemporalUiLinks,
  ) {}

  /**
   * Starts a migration (or, `dryRun`, a plan) through the account's desk (client/start-migration.ts):
   * refused when the account runs one already or no worker is there to answer; the desk's checks
   * (bucket, token) answer with their reasons. Nothing starts on bad input.
   */
  async start(request: StartMigrationRequest): Promise<MigrationStarted & { migrationId: string }> {
    const migrationId = request.migrationId || newMigrationId();
    const parsed = MigrationInput.safeParse({ ...request, migrationId });
    if (!parsed.success) throw invalidInput(parsed.error);
    const input = parsed.data;
    // A run started before account desks existed, or by hand, is found in visibility.
    const running = `WorkflowType = '${WorkflowTypes.migration}' AND ExecutionStatus = 'Running' AND ${AccountAttribute.name} = '${input.account}'`;
    const { items } = await askTemporal('Temporal', () => this.reads.visibility(running, 1, 1));
    if (items.length > 0) throw alreadyMigrating(input.account, items[0].workflowId);
    // The account's desk answers only with a worker: without one, say so rather than wait.
    if (!(await askTemporal('Temporal', () => this.reads.workerSeen()))) throw noWorker();
    const started = await askTemporal(`Migration of ${input.account}`, () =>
      startMigration(this.client, this.taskQueue, input),
    );
    return { ...started, migrationId };
  }

  /** A page of migrations, newest first, from Temporal's visibility and the search attributes. */
  async list(filter: { account?: string; phase?: MigrationPhase }, page: number, pageSize: number) {
    const clauses = [`WorkflowType = '${WorkflowTypes.migration}'`];
    if (filter.account) clauses.push(`${AccountAttribute.name} = '${filter.account}'`);
    if (filter.phase) clauses.push(`${RunStateAttribute.name} = '${filter.phase}'`);
    const { items, hasMore } = await askTemporal('Migrations', () =>
      this.reads.visibility(clauses.join(' AND '), page, pageSize),
    );
    return { migrations: items.map((wf) => this.summaryOf(wf)), hasMore };
  }

  /** Status: phase, counts, rate and ETA, the albums in flight with their progress, failures, deletion. */
  async details(id: string): Promise<MigrationDetails> {
    const { description, progress, workerAnswered, failure } = await this.reads.lookup(id);
    const startedAt = description.startTime;
    const running = description.status.name === 'RUNNING';
    const elapsed = ((description.closeTime ?? new Date()).getTime() - startedAt.getTime()) / 1000;
    const k = progress?.counts;
    const settled = k ? k.albumsDone + k.albumsFailed : 0;
    return {
      id,
      account: description.typedSearchAttributes.get(AccountAttribute),
      inFlightAlbums: running && progress ? await this.inFlightAlbums(progress.inFlight) : undefined,
      status: description.status.name,
      phase: progress?.phase ?? phaseOf(description.typedSearchAttributes.get(RunStateAttribute)),
      startedAt: startedAt.toISOString(),
      closedAt: description.closeTime?.toISOString(),
      uiUrl: this.links.workflow(id),
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

  /** A page of the migration's album runs (retries are runs of their own), with their status and summary. */
  async albumRuns(id: string, page: number, pageSize: number): Promise<{ albums: AlbumRun[]; hasMore: boolean }> {
    await askTemporal(`Migration ${id}`, () => this.client.workflow.getHandle(id).describe());
    const { items, hasMore } = await askTemporal(`Migration ${id}`, () =>
      this.reads.visibility(`${MigrationWorkflowIdAttribute.name} = '${id}'`, page, pageSize),
    );
    const albums = items.map((wf): AlbumRun => ({
      albumKey: wf.typedSearchAttributes.get(AlbumKeyAttribute) ?? '',
      workflowId: wf.workflowId,
      // Every album run is started with its status; one without (started by hand) counts as running.
      status: AlbumStatus.catch('running').parse(wf.typedSearchAttributes.get(RunStateAttribute)),
      runStatus: wf.status.name,
      startedAt: wf.startTime.toISOString(),
      closedAt: wf.closeTime?.toISOString(),
      summary: wf.memo?.summary as Record<string, unknown> | undefined,
    }));
    return { albums, hasMore };
  }

  /** A page of the migration's failed albums, from the markers in the bucket: all of them, however many. */
  async failedAlbums(id: string, page: number, pageSize: number): Promise<{ albums: AlbumRun[]; hasMore: boolean }> {
    const { progress } = await this.reads.lookup(id);
    // Runs from before the progress named its migration id cannot say where their markers are.
    const migrationId = progress?.migrationId;
    if (!progress || !migrationId)
      throw conflict('The failed albums are listed once a worker answers for this migration');
    const { bucket, prefix } = progress.target;
    const store = new StateStore(this.s3, bucket);
    const { items: keys, hasMore }: Page<string> = await pageOf(
      store.keys(failedAlbumsPrefix(prefix, migrationId)),
      page,
      pageSize,
    );
    const records = await Promise.all(keys.map((key) => store.get(key, FailedAlbumRecord)));
    const albums = records
      .filter((r) => r !== undefined)
      .map((r): AlbumRun => ({
        albumKey: r.albumKey,
        workflowId: r.workflowId,
        status: 'failed',
        closedAt: r.failedAt,
        path: r.path,
        error: r.error,
      }));
    return { albums, hasMore };
  }

  /** The current verification report and its digest. */
  report(id: string) {
    return this.reads.currentReport(id);
  }

  /** Runs failed albums again (these, or every failed one); only what is missing is copied. */
  retry(id: string, albumKeys?: string[]): Promise<RetryResult> {
    return askTemporal(`Migration ${id}`, () =>
      migrationHandle(this.client, id).executeUpdate(retryAlbums, { args: [{ albumKeys }] }),
    );
  }

  /** Cancels a running migration: copies made stay, nothing is deleted. */
  async cancel(id: string): Promise<void> {
    await askTemporal(`Migration ${id}`, async () => {
      const handle = migrationHandle(this.client, id);
      const { status, type } = await handle.describe();
      if (type !== WorkflowTypes.migration) throw notFound('migration');
      if (status.name !== 'RUNNING') throw conflict(`Migration ${id} is not running (${status.name})`);
      await handle.cancel();
    });
  }

  private summaryOf(wf: WorkflowExecutionInfo): MigrationSummary {
    return {
      id: wf.workflowId,
      account: wf.typedSearchAttributes.get(AccountAttribute),
      status: wf.status.name,
      phase: phaseOf(wf.typedSearchAttributes.get(RunStateAttribute)),
      startedAt: wf.startTime.toISOString(),
      closedAt: wf.closeTime?.toISOString(),
      uiUrl: this.links.workflow(wf.workflowId),
    };
  }

  private async inFlightAlbums(workflowIds: string[]): Promise<MigrationDetails['inFlightAlbums']> {
    const albums = await Promise.all(
      workflowIds.map(async (workflowId) => {
        const album = await this.reads.queryOrGiveUp(() =>
          this.client.workflow.getHandle(workflowId).query(albumProgress),
        );
        return album && { workflowId, albumKey: parseWorkflowId(workflowId)?.albumKey ?? '', ...album };
      }),
    );
    return albums.filter((a) => a !== undefined);
  }
}

/** A migration's phase from its run-state attribute (absent, or unknown to this version: none). */
function phaseOf(value: string | undefined): MigrationPhase | undefined {
  const parsed = MigrationPhase.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
