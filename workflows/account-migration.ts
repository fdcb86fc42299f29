import {
  allHandlersFinished, condition, continueAsNew, executeChild, proxyActivities, setCurrentDetails, setHandler, upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { albumWorkflowId } from '../common/ids';
import type { MigrationInput } from '../common/migration-input';
import { type AlbumRef, type AlbumSummary, type BucketReport, type DiscoveryResult, FILE_TOTAL_KEYS, type MigrationCounts, type MigrationPhase, type MigrationProgress } from '../common/migration-types';
import { metadataActivity } from './activity-options';
import { albumMigration } from './album-migration';
import { failureMessage } from './failure-message';
import { migrationProgress } from './messages';
import { AlbumKey, MigrationStatus, SmugMugAccount } from './search-attributes';

/** What a run hands to the next when it continues as new: counters and a cursor, never album lists. */
export interface CarriedState {
  phase: MigrationPhase;
  bucket?: BucketReport;
  discovery?: DiscoveryResult;
  nextAlbumIndex: number;
  counts: MigrationCounts;
  failedAlbums: string[];
  continuedAsNew: number;
}

export type MigrationResult = MigrationProgress;

const { preflightBucket, discoverAlbums, readAlbums } = proxyActivities<Activities>(metadataActivity);

const ALBUM_PAGE = 100;
/** Failed album keys kept by name; beyond that only counted (they are all in the reports). */
const MAX_FAILED_LISTED = 200;

function initialState(): CarriedState {
  return {
    phase: 'preflight', nextAlbumIndex: 0, failedAlbums: [], continuedAsNew: 0,
    counts: { albumsTotal: 0, albumsDone: 0, albumsFailed: 0, files: 0, bytes: 0, transferredFiles: 0, transferredBytes: 0, alreadyPresent: 0, unavailable: 0, verified: 0 },
  };
}

/**
 * Migrates a SmugMug account: checks the bucket, discovers the albums, then runs one child workflow
 * per album with a bounded number in flight. Before its history grows large it drains the albums in
 * flight and continues as new, carrying only counters and a cursor.
 */
export async function accountMigration(input: MigrationInput, carried?: CarriedState): Promise<MigrationResult> {
  const state = carried ?? initialState();
  const inFlight = new Set<string>();
  const progress = (): MigrationProgress => ({
    phase: state.phase, counts: state.counts, failedAlbums: state.failedAlbums, bucket: state.bucket, continuedAsNew: state.continuedAsNew,
    inFlight: [...inFlight].map((key) => albumWorkflowId(workflowInfo().workflowId, key)),
  });
  setHandler(migrationProgress, progress);
  const setPhase = (phase: MigrationPhase) => {
    state.phase = phase;
    upsertSearchAttributes([{ key: MigrationStatus, value: phase }]);
  };

  if (!state.bucket) {
    setCurrentDetails(`Checking bucket ${input.target.bucket}`);
    state.bucket = await preflightBucket({ bucket: input.target.bucket });
  }
  if (!state.discovery) {
    setPhase('discovering');
    setCurrentDetails(`Discovering the albums of ${input.account}`);
    state.discovery = await discoverAlbums({ migrationId: input.migrationId, account: input.account, target: input.target, albums: input.albums });
    state.counts.albumsTotal = state.discovery.albums;
    setPhase('migrating');
  }
  const discovery = state.discovery;

  const record = (album: AlbumRef, summary: AlbumSummary | undefined, error?: string) => {
    const c = state.counts;
    if (summary) for (const key of FILE_TOTAL_KEYS) c[key] += summary[key];
    if (summary && summary.status !== 'failed') c.albumsDone += 1;
    else {
      c.albumsFailed += 1;
      if (state.failedAlbums.length < MAX_FAILED_LISTED) state.failedAlbums.push(album.albumKey);
      if (error) setCurrentDetails(`Album ${album.name} failed: ${error}`);
    }
  };

  const launch = (album: AlbumRef) => {
    inFlight.add(album.albumKey);
    const parentId = workflowInfo().workflowId;
    executeChild(albumMigration, {
      workflowId: albumWorkflowId(parentId, album.albumKey),
      args: [{ migrationId: input.migrationId, account: input.account, target: input.target, dryRun: input.dryRun, verification: input.verification, album }],
      typedSearchAttributes: [
        { key: SmugMugAccount, value: input.account },
        { key: AlbumKey, value: album.albumKey },
        { key: MigrationStatus, value: 'running' },
      ],
      staticSummary: `Album ${album.path.join(' / ')}`,
    })
      .then((summary) => record(album, summary, summary.error), (err: unknown) => record(album, undefined, failureMessage(err)))
      .finally(() => inFlight.delete(album.albumKey));
  };

  let startedThisRun = 0;
  const continueAsNewDue = () =>
    workflowInfo().continueAsNewSuggested || (input.continueAsNewAfterAlbums !== undefined && startedThisRun >= input.continueAsNewAfterAlbums);
  let page: AlbumRef[] = [];
  while (state.nextAlbumIndex < discovery.albums && !continueAsNewDue()) {
    await condition(() => inFlight.size < input.albumConcurrency);
    if (page.length === 0) page = await readAlbums({ bucket: input.target.bucket, albumsKey: discovery.albumsKey, start: state.nextAlbumIndex, count: ALBUM_PAGE });
    const album = page.shift()!;
    state.nextAlbumIndex += 1;
    startedThisRun += 1;
    launch(album);
    setCurrentDetails(`Migrating: ${state.counts.albumsDone + state.counts.albumsFailed} of ${discovery.albums} albums finished, ${inFlight.size} in progress`);
  }
  // Children do not survive continue-as-new: let those in flight finish first.
  await condition(() => inFlight.size === 0);

  if (state.nextAlbumIndex < discovery.albums) {
    await condition(allHandlersFinished);
    state.continuedAsNew += 1;
    await continueAsNew<typeof accountMigration>(input, state);
  }
  setPhase(state.counts.albumsFailed > 0 ? 'completed-with-failures' : 'completed');
  setCurrentDetails(`${state.counts.albumsDone} albums migrated and verified, ${state.counts.albumsFailed} failed`);
  return progress();
}
