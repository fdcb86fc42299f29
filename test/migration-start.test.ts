import { apiTestbedForTests, startTestApi } from './support/api-harness';
import { createTestBucket, listKeys } from './support/migration-harness';
import { AccountAttribute } from '../common/search-attributes';
import { WorkflowTypes } from '../common/workflow-types';
import { smallLibrary } from './support/sandbox-client';

let second: Awaited<ReturnType<typeof startTestApi>> | undefined;
let bucket: string;
const testbed = apiTestbedForTests({ library: smallLibrary('start', 'start-tester') });
beforeAll(async () => {
  second = await startTestApi(testbed.harness.config);
  bucket = await createTestBucket(testbed.harness.s3, 'start');
});
afterAll(async () => {
  await second?.close();
});

const account = () => testbed.sandbox.library.nickname;
const runningMigrations = async () => {
  const query = `WorkflowType = '${WorkflowTypes.migration}' AND ExecutionStatus = 'Running' AND ${AccountAttribute.name} = '${account()}'`;
  const ids: string[] = [];
  for await (const wf of testbed.harness.client.workflow.list({ query })) ids.push(wf.workflowId);
  return ids;
};

describe('starting a migration', () => {
  test('bad targets are refused before any workflow starts, each with a message naming the problem', async () => {
    const start = (overrides: Record<string, unknown>) =>
      testbed.api.call('POST', '/v1/migrations', { account: account(), target: { bucket }, ...overrides });
    for (const prefix of ['../x', 'a//b', './x', '/lead', 'a/../b', 'tab\there']) {
      const refused = await start({ target: { bucket, prefix } });
      expect(refused.status).toBe(400);
      expect(refused.body.error.issues).toEqual([expect.objectContaining({ field: 'target.prefix' })]);
    }
    expect((await start({ target: { bucket, prefix: '../x' } })).body.error.issues[0].problem).toContain('".."');
    expect((await start({ target: { bucket, prefix: 'a//b' } })).body.error.issues[0].problem).toContain(
      'empty folder name',
    );

    const missing = await start({ target: { bucket: 'no-such-bucket-here' } });
    expect(missing.status).toBe(422);
    expect(missing.body.error.message).toContain('Bucket "no-such-bucket-here" does not exist');

    // MinIO offers no archive class: refused by name, class and store, before anything is copied.
    for (const storageClass of ['GLACIER', 'DEEP_ARCHIVE']) {
      const archive = await start({ target: { bucket, storageClass } });
      expect(archive.status).toBe(422);
      expect(archive.body.error.message).toMatch(
        new RegExp(`^Storage class ${storageClass} is not offered by the S3 store at http://127\\.0\\.0\\.1:\\d+`),
      );
    }
    // The probe left nothing behind.
    expect([...(await listKeys(testbed.harness.s3, bucket)).keys()]).toEqual([]);

    const foreign = await start({ account: 'someone-else' });
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.message).toContain(`belongs to "${account()}", not "someone-else"`);
    expect(await runningMigrations()).toEqual([]);
  });

  test('an include that matches no album ends with a message that says so', async () => {
    const started = await testbed.api.call('POST', '/v1/migrations', {
      account: account(),
      migrationId: 'nomatch',
      target: { bucket },
      albums: { include: ['Nothing*'] },
    });
    expect(started.status).toBe(202);
    const status = await testbed.api.waitFor(started.body.id, (s) => s.status !== 'RUNNING');
    expect(status).toMatchObject({
      status: 'FAILED',
      failure: expect.stringContaining('No album matches the include patterns "Nothing*"'),
    });
  });

  test('20 requests at the same moment through two API processes: exactly one starts, 19 are told which one runs', async () => {
    const requests = Array.from({ length: 20 }, (_, i) =>
      (i % 2 === 0 ? testbed.api : second!).call('POST', '/v1/migrations', {
        account: account(),
        migrationId: `race-${i}`,
        target: { bucket, prefix: `race-${i}` },
        deletion: { enabled: true },
        keepOpenFor: '5m',
      }),
    );
    const answers = await Promise.all(requests);
    const started = answers.filter((a) => a.status === 202);
    expect(answers.map((a) => a.status).sort()).toEqual([202, ...new Array(19).fill(409)]);
    const runningId = started[0].body.id as string;
    for (const refused of answers.filter((a) => a.status === 409)) expect(refused.body.error.runningId).toBe(runningId);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await runningMigrations()).toEqual([runningId]);
  });

  test('with every worker stopped, the status answers within 2 s and says no worker is polling', async () => {
    const [id] = await runningMigrations();
    await testbed.api.waitFor(id, (s) => s.phase === 'awaiting-approval');
    await testbed.harness.stopWorker();
    const started = Date.now();
    const status = await testbed.api.call('GET', `/v1/migrations/${id}`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({
      status: 'RUNNING',
      phase: 'awaiting-approval',
      workerAnswered: false,
      notice: expect.stringContaining('No worker is polling'),
    });
    const refused = await testbed.api.call('POST', '/v1/migrations', {
      account: account(),
      migrationId: 'noworker',
      target: { bucket },
    });
    expect([409, 503]).toContain(refused.status);
  });
});
