import { apiTestbedForTests } from './support/api-harness';
import { createTestBucket } from './support/migration-harness';

const ALBUMS = 250;
const CONCURRENCY = 8;

const testbed = apiTestbedForTests({
  library: {
    seed: 'retry-many',
    nickname: 'retry-tester',
    albums: ALBUMS,
    folders: 0,
    photosPerAlbum: 1,
    videos: 0,
    photoBytes: { min: 500, max: 800 },
    trickyCases: false,
  },
});

const faults = (method: 'POST' | 'DELETE', body?: unknown) =>
  fetch(`${testbed.sandbox.url}/__sandbox/faults`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

describe('every failed album stays retryable', () => {
  test(`${ALBUMS} failed albums: all listed, all run again within albumConcurrency, and the migration ends verified`, async () => {
    // Every original answers 404: a permanent failure, so each album fails at once.
    await faults('POST', { kind: 'not-found', target: 'media', times: 100_000 });
    const bucket = await createTestBucket(testbed.harness.s3, 'retry-many');
    const started = await testbed.api.call('POST', '/v1/migrations', {
      account: testbed.sandbox.library.nickname,
      migrationId: 'many',
      target: { bucket },
      albumConcurrency: CONCURRENCY,
      keepOpenFor: '10m',
    });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    const failed = await testbed.api.waitFor(id, (s) => s.phase === 'completed-with-failures', 300_000);
    expect(failed.counts).toMatchObject({ albumsTotal: ALBUMS, albumsFailed: ALBUMS, albumsDone: 0 });

    // The complete list, page after page, beyond the reasons the status shows.
    const listed = new Set<string>();
    for (let page = 1; ; page++) {
      const { body } = await testbed.api.call(
        'GET',
        `/v1/migrations/${id}/albums?status=failed&page=${page}&pageSize=100`,
      );
      for (const album of body.albums) {
        expect(album).toMatchObject({ status: 'failed', error: expect.stringContaining('is gone (HTTP 404)') });
        listed.add(album.albumKey);
      }
      if (!body.hasMore) break;
    }
    expect(listed).toEqual(new Set(testbed.sandbox.library.albums.keys()));

    await faults('DELETE');
    const retried = await testbed.api.call('POST', `/v1/migrations/${id}/retry-failed`);
    expect(retried.status).toBe(202);
    expect(new Set(retried.body.retried)).toEqual(listed);

    // Watched from the outside: never more album runs at once than the bound.
    let mostAtOnce = 0;
    const done = await testbed.api.waitFor(
      id,
      (s) => {
        mostAtOnce = Math.max(mostAtOnce, s.inFlight?.length ?? 0);
        return s.phase === 'completed';
      },
      300_000,
    );
    expect(mostAtOnce).toBeGreaterThan(0);
    expect(mostAtOnce).toBeLessThanOrEqual(CONCURRENCY);
    expect(done.counts).toMatchObject({ albumsDone: ALBUMS, albumsFailed: 0, verified: ALBUMS });
    const after = await testbed.api.call('GET', `/v1/migrations/${id}/albums?status=failed`);
    expect(after.body.albums).toEqual([]);

    // And from Temporal's own records: the retry runs' lifetimes never overlap more than the bound
    // (a run closes a moment after it reports, so one more may show for that moment).
    const runs: Array<{ start: number; end: number }> = [];
    for await (const wf of testbed.harness.client.workflow.list({
      query: `MigrationId = '${id}' AND WorkflowId STARTS_WITH '${id}/album-'`,
    })) {
      if (wf.workflowId.endsWith('/retry-1'))
        runs.push({ start: wf.startTime.getTime(), end: wf.closeTime!.getTime() });
    }
    expect(runs).toHaveLength(ALBUMS);
    const overlap = Math.max(...runs.map((r) => runs.filter((o) => o.start <= r.start && o.end > r.start).length));
    expect(overlap).toBeLessThanOrEqual(CONCURRENCY + 1);
  }, 600_000);
});
