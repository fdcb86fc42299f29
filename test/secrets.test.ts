import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { migrationHistories, payloadsOf } from '../bench/history-stats';
import { createRedactor } from '../config/redact';
import { AesGcmPayloadCodec, parsePayloadKeys } from '../encryption/payload-codec';
import { projectRoot } from '../local-stack/paths';
import { freePort } from '../local-stack/processes';
import { temporal } from '@temporalio/proto';
import { createTestBucket, startMigrationHarness, workerEnv } from './support/migration-harness';
import { startPrivateSandbox } from './support/sandbox-client';

describe('redaction', () => {
  test('removes the exact secrets and whatever looks like a token or a signed URL', () => {
    const redact = createRedactor(['s3cr3t-token-value', undefined, 'abc']);
    expect(redact('token s3cr3t-token-value in text')).toBe('token [redacted] in text');
    expect(redact('abc stays: too short to be a secret')).toBe('abc stays: too short to be a secret');
    expect(
      redact(
        'GET https://photos.smugmug.com/a/O/i.jpg?X-Amz-Signature=ff00&X-Amz-Credential=AKIAABCDEFGHIJKLMNOP failed',
      ),
    ).toBe('GET https://photos.smugmug.com/a/O/i.jpg?[redacted] failed');
    expect(redact('Authorization: OAuth oauth_token="tok123", oauth_signature="sig%3D"')).toBe(
      'Authorization: OAuth oauth_token=[redacted], oauth_signature=[redacted]',
    );
    expect(redact('Authorization: Bearer abcdefghijkl0123')).toBe('Authorization: Bearer [redacted]');
    expect(redact('key AKIAIOSFODNN7EXAMPLE used')).toBe('key [redacted-aws-key-id] used');
    expect(redact('aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe(
      'aws_secret_access_key = [redacted]',
    );
  });
});

describe('secrets of a migration through faults', () => {
  test('appear in no log line, no error message and no history event, decoded or not; metrics count the work', async () => {
    const sandbox = await startPrivateSandbox({
      library: {
        seed: 'secrets',
        albums: 2,
        folders: 1,
        photosPerAlbum: 5,
        videos: 1,
        videoBytes: { min: 12 * 2 ** 20, max: 12 * 2 ** 20 },
      },
      faults: [
        { kind: 'server-error', target: 'api', every: 4, times: 3 },
        { kind: 'rate-limit', target: 'api', every: 5, times: 2, retryAfterSeconds: 1 },
        { kind: 'reset', target: 'media', every: 3, times: 3 },
        { kind: 'corrupt', target: 'media', every: 4, times: 3 },
      ],
    });
    const harness = await startMigrationHarness(
      sandbox,
      { LARGE_FILE_THRESHOLD_MB: '8', PART_SIZE_MB: '5' },
      { inProcessWorker: false },
    );
    const metricsAddress = `127.0.0.1:${await freePort()}`;
    // The worker holds every secret there is, from its environment, as in production.
    const worker = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
      cwd: projectRoot,
      env: { ...process.env, ...workerEnv(harness.config), WORKER_METRICS_ADDRESS: metricsAddress },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    worker.stdout.on('data', (d: Buffer) => (output += d.toString()));
    worker.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const secrets = [
        harness.config.SMUGMUG_API_SECRET!,
        harness.config.SMUGMUG_ACCESS_TOKEN!,
        harness.config.SMUGMUG_ACCESS_TOKEN_SECRET!,
        process.env.AWS_SECRET_ACCESS_KEY!,
        ...[...parsePayloadKeys(harness.config.PAYLOAD_ENCRYPTION_KEYS).keys.values()].map((k) => k.toString('base64')),
      ];
      const bucket = await createTestBucket(harness.s3, 'secrets');
      // One fault that fails an activity attempt whatever the order of requests (the large video's
      // download reset mid-body), so the log surely has lines from runs: the others may be retried inside one.
      // The video is read a part (5 MB) per request, so the reset comes within the first MB of whichever
      // request takes it: a cut beyond a part's length would never come, and the fault would pass unseen.
      const video = [...sandbox.library.images.values()].find((i) => i.fileName.startsWith('VID_'))!;
      await fetch(`${sandbox.url}/__sandbox/faults`, {
        method: 'POST',
        body: JSON.stringify({
          kind: 'reset',
          target: 'media',
          pathContains: video.imageKey,
          times: 1,
          afterBytes: 2 ** 20,
        }),
      });
      const handle = await harness.start({ migrationId: 'secrets', target: { bucket } });
      const result = await handle.result();
      expect(sandbox.counters().faultsFired).toMatchObject({ 'server-error': 3, corrupt: 3 });
      expect(sandbox.counters().faultsFired.reset).toBeGreaterThanOrEqual(4);
      expect(result.counts).toMatchObject({ albumsFailed: 0, verified: result.counts.files });
      const files = result.counts.transferredFiles;

      // Metrics: the migration's own counters and the SDK's worker metrics, at /metrics.
      const metrics = await (await fetch(`http://${metricsAddress}/metrics`)).text();
      const transferred = [
        ...metrics.matchAll(/^\w*smugmug_s3_files_transferred(?:_total)?(?:\{[^}]*\})? (\d+)/gm),
      ].reduce((s, m) => s + Number(m[1]), 0);
      expect(transferred).toBe(files);
      expect(metrics).toMatch(/^\w*smugmug_s3_transfer_retries(_total)?(\{[^}]*\})? [1-9]/m);
      expect(metrics).toMatch(/^\w*smugmug_s3_files_verified(_total)?\{[^}]*result="ok"[^}]*\} \d+/m);
      expect(metrics).toMatch(/^temporal_worker_task_slots_available\{/m);

      // History, raw and decoded with the key, of the migration and each album run.
      const codec = new AesGcmPayloadCodec(parsePayloadKeys(harness.config.PAYLOAD_ENCRYPTION_KEYS));
      const texts: string[] = [];
      for await (const { history } of migrationHistories(harness.client, handle.workflowId)) {
        texts.push(Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('latin1'));
        const payloads = payloadsOf(history).map((p) => p.payload);
        for (const p of await codec.decode(payloads)) texts.push(Buffer.from(p.data ?? []).toString());
      }
      expect(texts.join('').length).toBeGreaterThan(10_000);

      await new Promise((r) => setTimeout(r, 300));
      const lines = output.split('\n').filter(Boolean);
      expect(lines.length).toBeGreaterThan(0);
      for (const secret of secrets) {
        expect({
          secret: secret.slice(0, 4),
          inLogs: output.includes(secret),
          inHistory: texts.some((t) => t.includes(secret)),
        }).toEqual({ secret: secret.slice(0, 4), inLogs: false, inHistory: false });
      }
      // JSON lines; those of a workflow or an activity name the migration (and the album, for album runs).
      const entries = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(entries.length).toBe(
        lines.filter(
          (l) => !l.includes('NodeVersionSupportWarning') && !/^\s|^To |^versions |^will |^More |^and |^\(Use/.test(l),
        ).length,
      );
      const fromRuns = entries.filter((e) => e.workflowId);
      expect(fromRuns.length).toBeGreaterThan(0);
      for (const e of fromRuns) expect(e.migration).toBe(handle.workflowId);
      expect(fromRuns.some((e) => typeof e.albumKey === 'string')).toBe(true);
    } finally {
      worker.kill('SIGTERM');
      await once(worker, 'exit');
      await harness.stop();
      await sandbox.close();
    }
  }, 180_000);
});
