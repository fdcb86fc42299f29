import type { S3Client } from '@aws-sdk/client-s3';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { randomBytes } from 'node:crypto';
import {
  ArchiveRef,
  ArchiveRestoreInput,
  ArchiveRestoreRequest,
  checkEveryOf,
  RestorePhase,
  type RestoreTier,
} from '../common/archive';
import { restoreWorkflowId } from '../common/ids';
import { restoreProgress } from '../common/messages';
import { RunStateAttribute } from '../common/search-attributes';
import { WorkflowTypes } from '../common/workflow-types';
import { estimateRestore } from '../plans/cost-estimate';
import { loadPriceTable, type StorageClass } from '../plans/s3-prices';
import { isArchiveClass } from '../s3/archive';
import { filesOf } from '../state/documents';
import type { archiveRestoreWorkflow } from '../workflows/archive-restore';
import type { ArchiveService } from './archive';
import type { MigrationReads } from './migration-reads';
import type { RestoreDetails, RestoreQuote } from './records';
import { conflict, invalidInput, noWorker, notFound } from './refusals';
import type { TemporalUiLinks } from './settings';
import { askTemporal } from './temporal-refusals';

/** Where the built-in price table has every class: its tiers' waits hold in every region. */
const WAITS_REGION = 'us-east-1';

/** A restore's id (out of Glacier, or to SmugMug): its start time and a few random characters (two people may start one in the same second). */
export const newRestoreId = () =>
  `${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;

/**
 * Restores out of GLACIER and DEEP_ARCHIVE (workflows/archive-restore.ts): what one would cost and
 * take by tier, starting one, and where each stands. Nothing starts on bad input, a tier a class
 * does not allow, or a selection with nothing archived.
 */
export class ArchiveRestoreService {
  constructor(
    private readonly client: Client,
    private readonly s3: S3Client,
    private readonly archive: ArchiveService,
    private readonly reads: MigrationReads,
    private readonly taskQueue: string,
    private readonly links: TemporalUiLinks,
  ) {}

  async quote(request: unknown): Promise<RestoreQuote> {
    const parsed = ArchiveRef.extend({ albums: ArchiveRestoreRequest.shape.albums }).safeParse(request);
    if (!parsed.success) throw invalidInput(parsed.error);
    const { albums, ...archive } = parsed.data;
    const images = (await this.archive.selection(archive, albums)).flatMap((a) => a.images);
    const files = images.flatMap(filesOf);
    const archivedFiles = files.filter((f) => isArchiveClass(f.storageClass));
    const readability = await this.archive.readability(archive, images);
    const classes = [...new Set(archivedFiles.map((f) => f.storageClass as StorageClass))];
    const region = await this.s3.config.region();
    const prices = loadPriceTable();
    // The waits are S3's in every region; a region the price table lacks gets them without a cost.
    const priced = classes.every((c) => prices.regions[region]?.[c]);
    const byClass = classes.map((c) =>
      estimateRestore(
        c,
        archivedFiles.filter((f) => f.storageClass === c).map((f) => f.size ?? 0),
        { prices, region: priced ? region : WAITS_REGION },
      ),
    );
    // A tier every class allows (DEEP_ARCHIVE has no Expedited), priced as the sum over the classes.
    const tiers =
      byClass.length === 0 || byClass.some((t) => t === undefined)
        ? []
        : byClass[0]!
            .filter((t) => byClass.every((other) => other!.some((o) => o.tier === t.tier)))
            .map((t) => {
              const each = byClass.map((other) => other!.find((o) => o.tier === t.tier)!);
              return {
                ...t,
                tier: t.tier as RestoreTier,
                usd: priced ? each.reduce((sum, o) => sum + o.usd, 0) : undefined,
                minHours: Math.max(...each.map((o) => o.minHours)),
                maxHours: Math.max(...each.map((o) => o.maxHours)),
                wait: each.reduce((a, b) => (b.maxHours > a.maxHours ? b : a)).wait,
              };
            });
    return {
      files: files.length,
      bytes: files.reduce((sum, f) => sum + (f.size ?? 0), 0),
      archived: {
        files: archivedFiles.length,
        bytes: archivedFiles.reduce((sum, f) => sum + (f.size ?? 0), 0),
        classes,
      },
      readableNow: images.filter((i) => readability.get(i.imageKey)?.readable).length,
      tiers,
      region,
    };
  }

  async start(request: unknown): Promise<RestoreDetails> {
    const parsed = ArchiveRestoreRequest.safeParse(request);
    if (!parsed.success) throw invalidInput(parsed.error);
    const { albums, tier, days, checkEvery, ...archive } = parsed.data;
    const quote = await this.quote({ ...archive, albums });
    if (quote.archived.files === 0)
      throw conflict('Nothing in this selection is in an archive class: its originals can be downloaded now');
    if (!quote.tiers.some((t) => t.tier === tier))
      throw conflict(
        `The ${tier} tier cannot restore ${quote.archived.classes.join(' and ')} objects: choose ${quote.tiers.map((t) => t.tier).join(' or ')}`,
      );
    const selected = await this.archive.selection(archive, albums);
    const restoreId = newRestoreId();
    const input = ArchiveRestoreInput.parse({
      ...archive,
      restoreId,
      tier,
      days,
      checkEvery: checkEvery ?? checkEveryOf(tier),
      albums: selected.map(({ selection, album }) => ({
        ...selection,
        manifestKey: album.manifestKey,
        name: album.manifest.album.name,
      })),
    });
    const id = restoreWorkflowId(archive.bucket, restoreId);
    if (!(await askTemporal('Temporal', () => this.reads.workerSeen()))) throw noWorker();
    await askTemporal(`Restore ${id}`, () =>
      this.client.workflow.start<typeof archiveRestoreWorkflow>(WorkflowTypes.archiveRestore, {
        workflowId: id,
        taskQueue: this.taskQueue,
        args: [input],
        memo: { restore: { restoreId, ...archive, tier } },
        typedSearchAttributes: [{ key: RunStateAttribute, value: 'restoring' }],
        staticSummary: `Restore of ${input.albums.length} album(s) of s3://${archive.bucket}/${archive.prefix} (${tier})`,
      }),
    );
    return this.details(id);
  }

  /** A restore: its albums as S3 last said, from the worker while it waits, from its result once ready. */
  async details(id: string): Promise<RestoreDetails> {
    const handle = this.client.workflow.getHandle<typeof archiveRestoreWorkflow>(id);
    const description = await askTemporal(`Restore ${id}`, () => handle.describe());
    if (description.type !== WorkflowTypes.archiveRestore) throw notFound(`Restore ${id}`);
    const progress =
      description.status.name === 'COMPLETED'
        ? await handle.result()
        : description.status.name === 'RUNNING'
          ? await this.reads.queryOrGiveUp(() => handle.query(restoreProgress))
          : undefined;
    return { ...this.bodyOf(description), progress };
  }

  /** A page of restores, newest first. */
  async list(page: number, pageSize: number): Promise<{ restores: RestoreDetails[]; hasMore: boolean }> {
    const { items, hasMore } = await askTemporal('Restores', () =>
      this.reads.visibility(`WorkflowType = '${WorkflowTypes.archiveRestore}'`, page, pageSize),
    );
    return { restores: items.map((wf) => this.bodyOf(wf)), hasMore };
  }

  private bodyOf(
    wf: Pick<
      WorkflowExecutionInfo,
      'memo' | 'workflowId' | 'typedSearchAttributes' | 'status' | 'startTime' | 'closeTime'
    >,
  ): RestoreDetails {
    const memo = (wf.memo?.restore ?? {}) as Partial<ArchiveRestoreInput>;
    return {
      id: wf.workflowId,
      restoreId: memo.restoreId ?? wf.workflowId,
      bucket: memo.bucket ?? '',
      prefix: memo.prefix ?? '',
      status: wf.status.name,
      phase: RestorePhase.catch('restoring').parse(wf.typedSearchAttributes.get(RunStateAttribute)),
      startedAt: wf.startTime.toISOString(),
      closedAt: wf.closeTime?.toISOString(),
      uiUrl: this.links.workflow(wf.workflowId),
    };
  }
}
