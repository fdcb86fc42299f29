import { createHash } from 'node:crypto';
import { FaultRule } from '../smugmug-sandbox/faults';
import { apiTestbedForTests } from './support/api-harness';
import { cliAgainst } from './support/cli-runner';
import { createTestBucket, listKeys, readObject } from './support/migration-harness';
import { WorkflowTypes } from '../common/workflow-types';
import { smallLibrary } from './support/sandbox-client';

let bucket: string;
const testbed = apiTestbedForTests(
  { library: smallLibrary('schedules', 'schedule-tester') },
  // Deleted while the API still answers: a schedule left behind would go on firing for the rest of the run.
  { beforeClose: ({ api, sandbox }) => api.call('DELETE', `/v1/schedules/sync-${sandbox.library.nickname}`) },
);
beforeAll(async () => {
  bucket = await createTestBucket(testbed.harness.s3, 'schedules');
});

const account = () => testbed.sandbox.library.nickname;
const scheduleId = () => `sync-${account()}`;
/** Short, so the test sees several firings; a real schedule says "24h". */
const INTERVAL = '3s';

async function until<T>(what: string, look: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await look();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

const schedule = async () => {
  const res = await testbed.api.call('GET', `/v1/schedules/${scheduleId()}`);
  expect(res.status).toBe(200);
  return res.body;
};
const finishedRuns = async () =>
  ((await schedule()).runs as Array<{ status: string; migration?: string }>).filter(
    (r) => r.status === 'COMPLETED' && r.migration,
  );

describe('scheduled incremental sync', () => {
  test('a schedule fires, its runs copy what was added since, a firing while one runs is skipped, and deleting it stops it', async () => {
    const request = { account: account(), target: { bucket, prefix: 'lib' }, every: INTERVAL };
    // Deletion is never scheduled, and a schedule needs exactly one of every and cron.
    const withDeletion = await testbed.api.call('POST', '/v1/schedules', { ...request, deletion: { enabled: true } });
    expect(withDeletion.status).toBe(400);
    expect(JSON.stringify(withDeletion.body)).toContain('deletion');
    expect((await testbed.api.call('POST', '/v1/schedules', { ...request, cron: '0 3 * * *' })).status).toBe(400);
    // A cron of the right shape whose fields Temporal cannot read: bad input, said so (the fuzzer found a 500).
    const unreadable = await testbed.api.call('POST', '/v1/schedules', {
      ...request,
      every: undefined,
      cron: '99 99 * * *',
    });
    expect([unreadable.status, unreadable.body.error.message]).toEqual([
      400,
      expect.stringMatching(/^Temporal cannot read the schedule's times: .*Minute is not in range/),
    ]);

    // The first run lasts longer than the interval: SmugMug asks it to wait twice while listing.
    testbed.sandbox.faults.add(
      FaultRule.parse({ kind: 'rate-limit', target: 'api', pathContains: '!images', times: 2, retryAfterSeconds: 4 }),
    );
    const created = await testbed.api.call('POST', '/v1/schedules', request);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: scheduleId(), every: INTERVAL, overlap: 'skip', paused: false });
    expect(created.body.nextRuns.length).toBeGreaterThan(0);
    expect((await testbed.api.call('POST', '/v1/schedules', request)).status).toBe(409);

    const first = await until('the first scheduled run to finish', async () => (await finishedRuns())[0]);
    // Firings came while it ran, and were skipped rather than started beside it.
    expect((await schedule()).skippedBecauseRunning).toBeGreaterThan(0);
    const firstMigration = (await testbed.api.call('GET', `/v1/migrations/${first.migration}`)).body;
    expect(firstMigration).toMatchObject({ status: 'COMPLETED', phase: 'completed' });
    expect(firstMigration.counts.transferredFiles).toBe(4);
    // Found by the same search attributes as any migration of the account.
    const listed = (await testbed.api.call('GET', `/v1/migrations?account=${account()}`)).body.migrations.map(
      (m: { id: string }) => m.id,
    );
    expect(listed).toContain(first.migration);

    // A photo uploaded since: a later run copies it, and only it.
    const album = [...testbed.sandbox.library.albums.values()].find((a) => a.placements.length > 0)!;
    const res = await fetch(`${testbed.sandbox.url}/__sandbox/albums/${album.albumKey}/images`, {
      method: 'POST',
      body: JSON.stringify({ fileName: 'new-upload.jpg' }),
    });
    expect(res.status).toBe(200);
    const added = (await res.json()) as { imageKey: string; md5: string };
    const later = await until('a run that copies the new photo', async () => {
      for (const run of await finishedRuns()) {
        if (run.migration === first.migration) continue;
        const m = (await testbed.api.call('GET', `/v1/migrations/${run.migration}`)).body;
        if (m.counts?.transferredFiles === 1) return m;
      }
      return undefined;
    });
    expect(later.counts).toMatchObject({ transferredFiles: 1, albumsFailed: 0 });
    const keys = [...(await listKeys(testbed.harness.s3, bucket, 'lib/')).keys()];
    const copied = keys.find((k) => k.endsWith('/new-upload.jpg'))!;
    expect(
      createHash('md5')
        .update(await readObject(testbed.harness.s3, bucket, copied))
        .digest('hex'),
    ).toBe(added.md5);

    // Paused, it says so; resumed, it fires again.
    expect(
      (await testbed.api.call('POST', `/v1/schedules/${scheduleId()}/pause`, { note: 'holiday' })).body,
    ).toMatchObject({
      paused: true,
      note: 'holiday',
    });
    expect((await testbed.api.call('POST', `/v1/schedules/${scheduleId()}/resume`)).body.paused).toBe(false);

    // Deleted: gone, and no run starts any more (once the one going on, if any, has finished).
    expect((await testbed.api.call('DELETE', `/v1/schedules/${scheduleId()}`)).status).toBe(204);
    expect((await testbed.api.call('GET', `/v1/schedules/${scheduleId()}`)).status).toBe(404);
    const runsOfSchedule = async () => {
      const ids: string[] = [];
      const query = `WorkflowType = '${WorkflowTypes.scheduledSync}' AND TemporalScheduledById = '${scheduleId()}'`;
      for await (const wf of testbed.harness.client.workflow.list({ query })) ids.push(wf.workflowId);
      return ids;
    };
    const afterDeletion = await runsOfSchedule();
    await new Promise((r) => setTimeout(r, 3 * 3_000));
    expect(await runsOfSchedule()).toEqual(afterDeletion);
    // Nothing was ever deleted on SmugMug.
    expect(testbed.sandbox.counters().deletions).toEqual([]);
  }, 300_000);

  test('smugmug-s3 schedule create --every 24h, show, pause, delete: what a photographer types', async () => {
    const cli = cliAgainst(testbed.api.url);
    const created = await cli(['schedule', 'create', '--account', account(), '--bucket', bucket, '--every', '24h'])
      .done;
    expect(created).toMatchObject({ code: 0 });
    expect(created.output).toContain(`sync-${account()}: sync of SmugMug ${account()} into s3://${bucket}/`);
    expect(created.output).toMatch(/every 24h; a run still going when the next is due skips it\n  next runs: \d{4}-/);
    const paused = await cli(['schedule', 'pause', '--account', account(), '--note', 'away']).done;
    expect(paused.output).toContain('PAUSED: away');
    expect((await cli(['schedule', 'list']).done).output).toContain(
      `sync-${account()}  ${account()}  every 24h  PAUSED`,
    );
    expect((await cli(['schedule', 'delete', '--account', account()]).done).output).toContain('Deleted the schedule');
    const gone = await cli(['schedule', 'show', '--account', account()]).done;
    expect(gone.code).toBe(1);
    expect(gone.output).toContain('not found');
  });
});
