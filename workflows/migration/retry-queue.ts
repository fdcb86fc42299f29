import { ApplicationFailure, condition, workflowInfo } from '@temporalio/workflow';
import { errorType } from '../../common/error-types';
import type { RetryRequest } from '../../common/migration-types';
import type { RetryResult } from '../../common/records';
import { ALBUM_PAGE, findAlbums, listFailedAlbums } from './activities';
import type { MigrationRun } from './run';

/**
 * Failed albums a person asks to run again: every one of them however many failed (the bucket's
 * markers list them all; the reasons the progress shows are only the first ones), queued and
 * started as `albumConcurrency` allows, each as a new album run that copies only what is missing.
 */
export class RetryQueue {
  constructor(private readonly run: MigrationRun) {}

  /** Refuses what cannot be retried before anything is recorded (the update's validator). */
  validate(request: RetryRequest): void {
    const { state } = this.run;
    if (!state.discovery) throw new Error('The migration has not discovered its albums yet');
    if (!request.albumKeys && state.counts.albumsFailed === 0) throw new Error('No album has failed: nothing to retry');
    const running = (request.albumKeys ?? []).filter((k) => k in state.inFlight);
    if (running.length > 0) throw new Error(`Running now, so not retried: ${running.join(', ')}`);
  }

  /** Queues the asked albums, to be started as `albumConcurrency` allows. */
  async queue(request: RetryRequest): Promise<RetryResult> {
    const { run } = this;
    const { input, state } = run;
    const listed = await listFailedAlbums({ migrationId: input.migrationId, target: input.target });
    const failed = new Set([...listed, ...Object.keys(state.failedAlbums)]);
    const busy = new Set([...Object.keys(state.inFlight), ...(state.retryQueue ?? [])]);
    const notFailed = (request.albumKeys ?? []).filter((k) => !failed.has(k) || busy.has(k));
    if (notFailed.length > 0)
      throw ApplicationFailure.nonRetryable(
        `Not failed, so not retried: ${notFailed.join(', ')}`,
        errorType('NotFailed'),
      );
    const keys = (request.albumKeys ?? [...failed]).filter((k) => !busy.has(k));
    if (keys.length === 0)
      throw ApplicationFailure.nonRetryable('No album has failed: nothing to retry', errorType('NotFailed'));
    state.retryQueue ??= [];
    for (const key of keys) {
      this.markRetried(key);
      state.counts.albumsFailed = Math.max(0, state.counts.albumsFailed - 1);
      state.retryQueue.push(key);
    }
    run.setPhase('migrating');
    run.news += 1;
    return { retried: keys };
  }

  /** Before the queue (patch `retry-queue`): every asked album started at once; kept for runs already in flight. */
  async startAtOnce(request: RetryRequest): Promise<RetryResult> {
    const { run } = this;
    const { input, state } = run;
    const keys = request.albumKeys ?? Object.keys(state.failedAlbums);
    const albums = await findAlbums({
      bucket: input.target.bucket,
      albumsKey: state.discovery!.albumsKey,
      albumKeys: keys,
    });
    for (const album of albums) {
      this.markRetried(album.albumKey);
      state.counts.albumsFailed -= 1;
      await run.launch(album);
    }
    run.setPhase('migrating');
    run.news += 1;
    return { retried: albums.map((a) => a.albumKey) };
  }

  /** Queued retries that `albumConcurrency` lets start now. */
  get waiting(): boolean {
    const { run } = this;
    return (run.state.retryQueue?.length ?? 0) > 0 && run.inFlightCount < run.input.albumConcurrency;
  }

  /** Starts queued retries as `albumConcurrency` allows, a page of album records at a time. */
  async launchQueued(): Promise<void> {
    const { run } = this;
    const { input, state } = run;
    const queue = state.retryQueue ?? [];
    while (queue.length > 0) {
      const keys = queue.slice(0, ALBUM_PAGE);
      const albums = await findAlbums({
        bucket: input.target.bucket,
        albumsKey: state.discovery!.albumsKey,
        albumKeys: keys,
      });
      for (const album of albums) {
        if (workflowInfo().continueAsNewSuggested) await run.carryOn();
        await condition(() => run.inFlightCount < input.albumConcurrency);
        queue.splice(queue.indexOf(album.albumKey), 1);
        await run.launch(album);
      }
      // Keys the album list no longer has cannot run: drop them rather than loop.
      for (const key of keys)
        if (queue.includes(key) && !albums.some((a) => a.albumKey === key)) queue.splice(queue.indexOf(key), 1);
    }
  }

  /** The album is failed no more: its next run is a retry of its own. */
  private markRetried(albumKey: string): void {
    const { state } = this.run;
    delete state.failedAlbums[albumKey];
    state.retries[albumKey] = (state.retries[albumKey] ?? 0) + 1;
  }
}
