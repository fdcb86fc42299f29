import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { TEST_API_TOKEN } from './support/api-harness';
import { launchChromium } from './support/browser';
import { cliAgainst } from './support/cli-runner';
import { listKeys } from './support/migration-harness';
import { startMotoTestbed } from './support/moto';

/**
 * The audit of an archive at rest, against moto (versions, delete markers and storage classes as S3
 * keeps them): it passes on a fresh migration and names exactly what was done to the archive since.
 */
describe('audit of the archive at rest', () => {
  let testbed: Awaited<ReturnType<typeof startMotoTestbed>>;
  const s3 = () => testbed.moto.s3;
  let hook: Server;
  const hookCalls: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hookCalls.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    testbed = await startMotoTestbed(
      'audit',
      {
        library: {
          seed: 'audit',
          nickname: `audit-${randomUUID().slice(0, 6)}`,
          albums: 2,
          folders: 1,
          photosPerAlbum: 3,
          videos: 0,
          trickyCases: false,
        },
      },
      { AUDIT_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/audit-hook` },
    );
  }, 300_000);
  afterAll(async () => {
    await testbed?.close();
    hook?.close();
  });

  /** Polls an audit until it has finished; returns its details. */
  const finished = async (id: string) => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { body } = await testbed.api.call('GET', `/v1/audits/${id}`);
      if (body.status !== 'RUNNING') return body;
      if (Date.now() > deadline) throw new Error(`audit ${id} still running: ${JSON.stringify(body)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  };
  /** The audits Temporal's visibility lists with this phase in the run-state search attribute. */
  const auditsInPhase = async (phase: string) => {
    const ids: string[] = [];
    for await (const wf of testbed.harness.client.workflow.list({
      query: `WorkflowType = 'archiveAudit' AND MigrationStatus = '${phase}'`,
    }))
      ids.push(wf.workflowId);
    return ids;
  };

  test('passes right after a migration; then names exactly the deleted, overwritten, reclassed and sidecar-less files with their albums', async () => {
    const bucket = `audited-${randomUUID().slice(0, 8)}`;
    await s3().send(new CreateBucketCommand({ Bucket: bucket }));
    await s3().send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const started = await testbed.api.call('POST', '/v1/migrations', {
      account: testbed.sandbox.library.nickname,
      migrationId: 'audited',
      target: { bucket, prefix: 'library' },
    });
    expect(started.status).toBe(202);
    const migration = await testbed.api.waitFor(started.body.id, (s) => s.status !== 'RUNNING', 180_000);
    expect(migration.status).toBe('COMPLETED');

    // Bad input starts nothing.
    expect((await testbed.api.call('POST', '/v1/audits', { bucket: 'no' })).status).toBe(400);
    expect((await testbed.api.call('POST', '/v1/audits', { bucket: 'never-made-bucket' })).status).toBe(422);

    const first = await testbed.api.call('POST', '/v1/audits', { bucket, prefix: 'library' });
    expect(first.status).toBe(202);
    const clean = await finished(first.body.id);
    expect(clean).toMatchObject({ phase: 'passed', summary: { passed: true, albums: 2, files: 6, findings: 0 } });
    // Proven from the listing alone: one LIST page, one GET per manifest, no HEAD.
    expect(clean.summary.requests).toEqual({ list: 1, get: 2, head: 0 });

    const keys = [...(await listKeys(s3(), bucket, 'library/')).keys()];
    const photos = keys.filter((k) => k.endsWith('.JPG'));
    const albumOf = (key: string) => key.split('/').slice(0, -1).join('/');
    const [deleted, overwritten, reclassed] = photos;
    const sidecarGone = photos.find((k) => k !== deleted && k !== overwritten && k !== reclassed)!;
    await s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: deleted }));
    await s3().send(new PutObjectCommand({ Bucket: bucket, Key: overwritten, Body: randomBytes(1000) }));
    await s3().send(
      new CopyObjectCommand({
        Bucket: bucket,
        Key: reclassed,
        CopySource: `${bucket}/${encodeURI(reclassed)}`,
        StorageClass: 'STANDARD_IA',
        MetadataDirective: 'COPY',
      }),
    );
    await s3().send(new DeleteObjectCommand({ Bucket: bucket, Key: `${sidecarGone}.xmp` }));

    const second = await testbed.api.call('POST', '/v1/audits', { bucket, prefix: 'library' });
    const failed = await finished(second.body.id);
    expect(failed).toMatchObject({
      phase: 'failed',
      summary: { passed: false, findings: 4, byKind: { missing: 2, overwritten: 1, 'changed-class': 1 } },
    });
    const { body: report } = await testbed.api.call('GET', `/v1/audits/${second.body.id}/report`);
    const found = (report.findings as Array<{ kind: string; object: string; key: string; album: string }>)
      .map((f) => [f.kind, f.object, f.key])
      .sort();
    expect(found).toEqual(
      [
        ['missing', 'original', deleted],
        ['overwritten', 'original', overwritten],
        ['changed-class', 'original', reclassed],
        ['missing', 'sidecar', `${sidecarGone}.xmp`],
      ].sort(),
    );
    // Each with its album: the sandbox's album that holds the image, named as in the bucket's folders.
    for (const f of report.findings as Array<{ key: string; album: string; albumKey: string; imageKey: string }>) {
      const album = testbed.sandbox.library.albums.get(f.albumKey)!;
      expect(album.placements.map((p) => p.imageKey)).toContain(f.imageKey);
      // Its folders and name, as the bucket's folders show them (key = prefix / folders / album / file).
      expect(albumOf(f.key)).toBe(`library/${f.album.split(' / ').join('/')}`);
    }

    // Visible where operators look: the run-state search attribute (the Temporal UI), and the webhook.
    const deadline = Date.now() + 30_000;
    while (!(await auditsInPhase('failed')).includes(second.body.id)) {
      if (Date.now() > deadline) throw new Error('the failed audit never showed in visibility');
      await new Promise((r) => setTimeout(r, 500));
    }
    expect((await auditsInPhase('passed')).includes(first.body.id)).toBe(true);
    expect(hookCalls.slice(0, 2).map((c) => [c.event, c.auditId, c.findings])).toEqual([
      ['audit.passed', clean.summary.auditId, 0],
      ['audit.failed', failed.summary.auditId, 4],
    ]);
    expect(hookCalls[1]).toMatchObject({ digest: failed.summary.digest, reportKey: failed.summary.reportKey });

    // The CLI waits for its audit, prints each finding with its album, and exits 1 for scripts.
    const cli = await cliAgainst(testbed.api.url)(['audit', '--bucket', bucket, '--prefix', 'library']).done;
    expect(cli.code).toBe(1);
    expect(cli.output).toContain('FAILED: 2 albums, 6 files, 4 findings');
    expect(cli.output).toMatch(
      new RegExp(`changed-class +.*: ${reclassed.split('/').pop()} \\(original\\): storage class STANDARD_IA`),
    );

    // The photographer sees it in the web app: the failed audit stands out, and its findings by album.
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${testbed.api.url}/app/audits`);
      await page.waitForURL(/\/app\/sign-in/);
      await page.getByLabel('Access key').fill(TEST_API_TOKEN);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.goto(`${testbed.api.url}/app/audits`);
      // Two failed (the API's and the CLI's), one passed: the failed ones marked, the newest first.
      // Only this bucket's rows: the list is the cluster's, and other tests audit their own buckets.
      const failedRows = page.locator('#audits tr.failed', { hasText: `s3://${bucket}/` });
      await failedRows.first().waitFor();
      expect(await failedRows.count()).toBe(2);
      expect(await page.locator('#audits tbody tr', { hasText: `s3://${bucket}/` }).count()).toBe(3);
      expect(await failedRows.first().textContent()).toContain('FAILED: problems found');
      await failedRows.first().getByRole('link').click();
      await page.waitForURL(/\/app\/audits\/audit-/);
      await page.locator('#findings').waitFor();
      expect(await page.locator('#audit-outcome').textContent()).toBe('FAILED: 4 problem(s) found');
      expect(await page.locator('#findings tbody tr').count()).toBe(4);
      const table = await page.locator('#findings').textContent();
      expect(table).toContain(`${sidecarGone.split('/').pop()} (sidecar)`);
      expect(table).toContain('Moved to another storage class: storage class STANDARD_IA');
    } finally {
      await browser.close();
    }

    // A monthly audit: scheduled, then fired now (as its first day of the month would).
    const scheduled = await testbed.api.call('POST', '/v1/audit-schedules', {
      bucket,
      prefix: 'library',
      cron: '0 4 1 * *',
    });
    expect(scheduled.status).toBe(201);
    expect(scheduled.body.nextRuns[0]).toMatch(/-01T04:00:00/);
    const schedule = testbed.harness.client.schedule.getHandle(scheduled.body.scheduleId);
    try {
      await schedule.trigger();
      const fired = Date.now() + 60_000;
      let run: string | undefined;
      while (!run) {
        const { body } = await testbed.api.call('GET', '/v1/audits');
        run = (body.audits as Array<{ id: string }>).find((a) => a.id.startsWith(`audit-${bucket}-scheduled`))?.id;
        if (!run && Date.now() > fired) throw new Error('the scheduled audit never ran');
        if (!run) await new Promise((r) => setTimeout(r, 500));
      }
      expect(await finished(run)).toMatchObject({ phase: 'failed', summary: { findings: 4 } });
    } finally {
      await schedule.delete();
    }
  }, 420_000);
});
