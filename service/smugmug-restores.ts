import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { accountPriority } from '../common/account-priority';
import { checkEveryOf } from '../common/archive';
import { smugmugRestoreWorkflowId } from '../common/ids';
import { smugmugRestoreProgress } from '../common/messages';
import { AccountAttribute, RunStateAttribute } from '../common/search-attributes';
import {
  MAX_FOLDER_DEPTH,
  MAX_RESTORE_ALBUMS,
  SmugMugRestoreInput,
  SmugMugRestorePhase,
  SmugMugRestoreRequest,
} from '../common/smugmug-restore';
import { WorkflowTypes } from '../common/workflow-types';
import { isArchiveClass } from '../s3/archive';
import type { smugmugRestoreWorkflow } from '../workflows/smugmug-restore/workflow';
import type { ArchiveService } from './archive';
import { newRestoreId } from './archive-restores';
import type { IndexedAlbum } from './archive-index';
import type { MigrationReads } from './migration-reads';
import type { SmugMugRestoreDetails } from './records';
import { conflict, invalidInput, noWorker, notFound, Refusal } from './refusals';
import type { TemporalUiLinks } from './settings';
import { askTemporal } from './temporal-refusals';

/**
 * The way back to SmugMug (workflows/smugmug-restore/): starting a restore of albums of the archive
 * into a connected account, and where each stands. Nothing starts on bad input, an album the
 * archive lacks, or folders SmugMug could not nest.
 */
export class SmugMugRestoreService {
  constructor(
    private readonly client: Client,
    private readonly archive: ArchiveService,
    private readonly reads: MigrationReads,
    private readonly taskQueue: string,
    private readonly links: TemporalUiLinks,
  ) {}

  async start(request: unknown): Promise<SmugMugRestoreDetails> {
    const parsed = SmugMugRestoreRequest.safeParse(request);
    if (!parsed.success) throw invalidInput(parsed.error);
    const { account, albums, folder, under, tier, days, checkEvery, ...archive } = parsed.data;
    const chosen = albums
      ? (await this.archive.selection(archive, albums)).map(({ selection, album }) => ({ selection, album }))
      : await this.albumsUnder(archive, folder!);
    if (chosen.length > MAX_RESTORE_ALBUMS)
      throw conflict(
        `${chosen.length} albums: a restore takes at most ${MAX_RESTORE_ALBUMS}; restore a folder at a time`,
      );
    const tooDeep = chosen.find(({ album }) => under.length + album.manifest.album.path.length - 1 > MAX_FOLDER_DEPTH);
    if (tooDeep)
      throw conflict(
        `Under "${under.join('/')}", album "${tooDeep.album.manifest.album.path.join('/')}" would sit ${under.length + tooDeep.album.manifest.album.path.length - 1} folders deep; SmugMug nests folders at most ${MAX_FOLDER_DEPTH} deep: choose a folder higher up`,
      );
    const deepArchived = chosen.some(({ album }) =>
      album.manifest.images.some((i) => i.storageClass === 'DEEP_ARCHIVE'),
    );
    if (tier === 'Expedited' && deepArchived)
      throw conflict('DEEP_ARCHIVE has no Expedited restores: choose Standard or Bulk');

    const restoreId = newRestoreId();
    const input = SmugMugRestoreInput.parse({
      ...archive,
      restoreId,
      account,
      under,
      tier,
      days,
      checkEvery: checkEvery ?? checkEveryOf(tier),
      albums: chosen.map(({ selection, album }) => ({
        ...selection,
        manifestKey: album.manifestKey,
        name: album.manifest.album.name,
        path: album.manifest.album.path,
      })),
    });
    const id = smugmugRestoreWorkflowId(account, restoreId);
    if (!(await askTemporal('Temporal', () => this.reads.workerSeen()))) throw noWorker();
    await askTemporal(`Restore ${id}`, () =>
      this.client.workflow.start<typeof smugmugRestoreWorkflow>(WorkflowTypes.smugmugRestore, {
        workflowId: id,
        taskQueue: this.taskQueue,
        args: [input],
        priority: accountPriority(account),
        memo: { restore: { restoreId, account, ...archive } },
        typedSearchAttributes: [
          { key: AccountAttribute, value: account },
          { key: RunStateAttribute, value: 'restoring' },
        ],
        staticSummary: `Back to SmugMug (${account}): ${input.albums.length} album(s) of s3://${archive.bucket}/${archive.prefix}`,
      }),
    );
    return this.details(id);
  }

  /** The albums a person picked, as the page to confirm names them: items, and how many S3 must restore first. */
  async picked(archive: { bucket: string; prefix: string }, albumKeys: string[]) {
    const selected = await this.archive.selection(
      archive,
      albumKeys.map((albumKey) => ({ albumKey })),
    );
    return selected.map(({ album }) => ({
      albumKey: album.manifest.album.albumKey,
      name: album.manifest.album.name,
      images: album.manifest.images.length,
      archived: album.manifest.images.filter((i) => isArchiveClass(i.storageClass)).length,
    }));
  }

  /** A restore: albums done and failed, from the worker while it runs, from its result once done. */
  async details(id: string): Promise<SmugMugRestoreDetails> {
    const handle = this.client.workflow.getHandle<typeof smugmugRestoreWorkflow>(id);
    const description = await askTemporal(`Restore ${id}`, () => handle.describe());
    if (description.type !== WorkflowTypes.smugmugRestore) throw notFound(`Restore ${id}`);
    const progress =
      description.status.name === 'COMPLETED'
        ? await handle.result()
        : description.status.name === 'RUNNING'
          ? await this.reads.queryOrGiveUp(() => handle.query(smugmugRestoreProgress))
          : undefined;
    return { ...this.bodyOf(description), progress };
  }

  /** A page of restores to SmugMug, newest first. */
  async list(page: number, pageSize: number): Promise<{ restores: SmugMugRestoreDetails[]; hasMore: boolean }> {
    const { items, hasMore } = await askTemporal('Restores', () =>
      this.reads.visibility(`WorkflowType = '${WorkflowTypes.smugmugRestore}'`, page, pageSize),
    );
    return { restores: items.map((wf) => this.bodyOf(wf)), hasMore };
  }

  /** Every album under a folder of the archive (`/` or empty: all of it); none is bad input. */
  private async albumsUnder(archive: { bucket: string; prefix: string }, path: string[]) {
    const found: IndexedAlbum[] = (await this.archive.index(archive)).albumsUnder(path);
    if (found.length === 0)
      throw new Refusal('invalid_request', `No album of the archive is under "${path.join('/') || '/'}"`, {
        issues: [{ field: 'folder', problem: 'no album under it' }],
      });
    return found.map((album) => ({ selection: { albumKey: album.manifest.album.albumKey }, album }));
  }

  private bodyOf(
    wf: Pick<
      WorkflowExecutionInfo,
      'memo' | 'workflowId' | 'typedSearchAttributes' | 'status' | 'startTime' | 'closeTime'
    >,
  ): SmugMugRestoreDetails {
    const memo = (wf.memo?.restore ?? {}) as Partial<SmugMugRestoreInput>;
    return {
      id: wf.workflowId,
      restoreId: memo.restoreId ?? wf.workflowId,
      account: memo.account ?? '',
      bucket: memo.bucket ?? '',
      prefix: memo.prefix ?? '',
      status: wf.status.name,
      phase: SmugMugRestorePhase.catch('restoring').parse(wf.typedSearchAttributes.get(RunStateAttribute)),
      startedAt: wf.startTime.toISOString(),
      closedAt: wf.closeTime?.toISOString(),
      uiUrl: this.links.workflow(wf.workflowId),
    };
  }
}
