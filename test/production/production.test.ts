import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startApiKeyIssuer } from '../../local-stack/api-key-issuer';
import { NODE_LTS } from '../../local-stack/node-lts';
import { projectRoot } from '../../local-stack/paths';
import { clusterClientEnv, startTemporalCluster } from '../../local-stack/temporal-cluster';
import { resolveTool } from '../../local-stack/tools';
import { startSandbox, type RunningSandbox } from '../../smugmug-sandbox/server';
import type { SandboxImage } from '../../smugmug-sandbox/library';
import { listKeys, md5Of, readObject } from '../support/migration-harness';
import { API_TOKEN, type ProductionTopology, startProductionTopology } from './topology';

/** A link of 1.5 MB/s from SmugMug: the default library takes long enough to be disrupted mid-run. */
const MEDIA_BYTES_PER_SECOND = 1_500_000;
/** How long each killed server stays down before it is started again. */
const DOWN_MS = 10_000;
/** Longest a run may take here, disruptions included (a lost activity waits out a one-minute heartbeat timeout). */
const WAIT_MS = 600_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let dir: string;
let sandbox: RunningSandbox;
let topology: ProductionTopology;
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  dir = await mkdtemp(join(process.env.SMUGMUG_S3_RUN_DIR ?? tmpdir(), 'production-'));
  sandbox = await startSandbox({
    port: 0,
    mediaDir: join(dir, 'sandbox-media'),
    mediaBytesPerSecond: MEDIA_BYTES_PER_SECOND,
  });
  topology = await startProductionTopology(dir, sandbox);
}, 300_000);

afterAll(async () => {
  console.log(`Production suite figures:\n${JSON.stringify(figures, null, 2)}`);
  await topology?.stop();
  await sandbox?.close();
});

/** An API call to the first API process that answers (a killed one is skipped, as a load balancer would). */
async function call(
  method: string,
  path: string,
  body?: unknown,
  apis = topology.apis,
): Promise<{ status: number; body: Json }> {
  let lastError: unknown;
  for (const api of apis.filter((a) => a.alive)) {
    try {
      const res = await fetch(`${api.url}${path}`, {
        method,
        headers: { Authorization: `Bearer ${API_TOKEN}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError ?? new Error('no API process is alive');
}

/** Polls the migration until `done` holds; answers other than 200 (Temporal restarting) are waited out. */
async function waitFor(id: string, done: (status: Json) => boolean, apis = topology.apis): Promise<Json> {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const res = await call('GET', `/v1/migrations/${id}`, undefined, apis).catch(() => undefined);
    if (res?.status === 200 && done(res.body)) return res.body;
    if (res?.status === 200 && res.body.status !== 'RUNNING')
      throw new Error(`${id} ended: ${JSON.stringify(res.body)}`);
    if (Date.now() > deadline) throw new Error(`Timed out waiting on ${id}: ${JSON.stringify(res?.body)}`);
    await sleep(500);
  }
}

/** Starts a worker or the API with this environment: it must exit saying it could not connect, and how it tried. */
async function expectRefused(script: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  expect(code).not.toBe(0);
  expect(output).toMatch(
    /Could not connect to Temporal at \S+ \((TLS without a client certificate|TLS with an API key)\)/,
  );
  return output;
}

/** The bytes a migration copies for an image: the original, or the transcode when there is none. */
function expectedCopy(image: SandboxImage) {
  if (image.processing || image.subStatus === 'CanNotProcess') return undefined;
  return image.original ?? image.largestVideo;
}

const servedBytes = () => Object.values(sandbox.counters().bytesServedByImage).reduce((a, b) => a + b, 0);
const copyBytes = () =>
  [...sandbox.library.images.values()].reduce((sum, image) => sum + (expectedCopy(image)?.size ?? 0), 0);

/** Every album's manifest lists its images; each object's MD5 equals its original's, and every image with bytes is there. */
async function expectByteIdentical(bucket: string) {
  const manifests = [...(await listKeys(topology.s3, bucket)).keys()].filter((k) => k.endsWith('/album.json'));
  expect(manifests).toHaveLength(sandbox.library.albums.size);
  let copied = 0;
  for (const key of manifests) {
    const manifest = JSON.parse((await readObject(topology.s3, bucket, key)).toString()) as Json;
    expect(manifest.verified).toBe(true);
    for (const entry of manifest.images as Array<{ imageKey: string; s3Key: string }>) {
      const image = sandbox.library.images.get(entry.imageKey)!;
      expect(md5Of(await readObject(topology.s3, bucket, entry.s3Key))).toBe(expectedCopy(image)!.md5);
      copied += 1;
    }
  }
  const withBytes = [...sandbox.library.albums.values()]
    .flatMap((a) => a.placements)
    .filter((p) => expectedCopy(sandbox.library.images.get(p.imageKey)!));
  expect(copied).toBe(withBytes.length);
  const uploads = await topology.s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  expect(uploads.Uploads ?? []).toEqual([]);
  return copied;
}

/**
 * A migration of the default library started through the API; `disrupt` runs once a third of the
 * bytes have been served. Returns how long the run took and how many bytes SmugMug served beyond one
 * read of each file.
 */
async function migrate(label: string, disrupt?: () => Promise<void>, deletion = false, apis = topology.apis) {
  await fetch(`${sandbox.url}/__sandbox/counters/reset`, { method: 'POST' });
  const bucket = await topology.createBucket(`production-${label}`);
  const started = Date.now();
  const start = await call(
    'POST',
    '/v1/migrations',
    {
      account: sandbox.library.nickname,
      migrationId: label,
      target: { bucket },
      // Held items wait once more for an approval that names them; this one does not, so they are kept after a minute.
      ...(deletion ? { deletion: { enabled: true, approvalTimeout: '1m' } } : {}),
    },
    apis,
  );
  expect(start).toMatchObject({ status: 202 });
  const id = start.body.id as string;
  if (disrupt) {
    while (servedBytes() < copyBytes() / 3) await sleep(100);
    await disrupt();
  }
  const status = await waitFor(id, (s) => s.phase === (deletion ? 'awaiting-approval' : 'completed'), apis);
  const seconds = (Date.now() - started) / 1000;
  expect(status.counts).toMatchObject({ albumsFailed: 0, albumsTotal: sandbox.library.albums.size });
  expect(status.counts.verified).toBe(await expectByteIdentical(bucket));
  return { id, bucket, seconds, bytesReRead: servedBytes() - copyBytes() };
}

describe('the production topology: Temporal server on PostgreSQL with mTLS, MinIO over TLS, two workers, two APIs', () => {
  let baselineSeconds: number;

  test(`runs on the image's Node.js LTS (${NODE_LTS.version}), and no process warns that its runtime is deprecated`, async () => {
    expect(process.versions.node).toBe(NODE_LTS.version);
    const base = await migrate('baseline');
    baselineSeconds = base.seconds;
    figures.baseline = { seconds: base.seconds, bytesReRead: base.bytesReRead, bytes: copyBytes() };
    for (const p of [...topology.workers, ...topology.apis]) {
      expect(await readFile(p.process.logFile, 'utf8')).not.toMatch(/DeprecationWarning|no longer support/i);
    }
  }, 600_000);

  test('the Temporal server killed and started again mid-run: the run completes verified', async () => {
    const run = await migrate('temporal-restart', async () => {
      topology.cluster.server.child.kill('SIGKILL');
      await once(topology.cluster.server.child, 'exit');
      await sleep(DOWN_MS);
      await topology.cluster.restartServer();
    });
    figures.temporalRestart = { ...run, secondsLost: run.seconds - baselineSeconds, downSeconds: DOWN_MS / 1000 };
  }, 900_000);

  test('PostgreSQL crashed and started again mid-run: the run completes verified', async () => {
    const run = await migrate('postgres-restart', () => topology.restartPostgres(DOWN_MS));
    figures.postgresRestart = { ...run, secondsLost: run.seconds - baselineSeconds, downSeconds: DOWN_MS / 1000 };
  }, 900_000);

  test('one worker killed mid-run: the other finishes the run', async () => {
    const run = await migrate('worker-killed', () => topology.workers[0].kill());
    figures.workerKilled = { ...run, secondsLost: run.seconds - baselineSeconds };
    await topology.workers[0].start();
  }, 900_000);

  test('without a client certificate, a worker and the API are refused by the cluster', async () => {
    const withoutCertificate = (env: Record<string, string>) =>
      Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('TEMPORAL_TLS_CLIENT_')));
    await expectRefused('worker/main.ts', withoutCertificate(topology.workerEnv()));
    await expectRefused('server/main.ts', withoutCertificate(topology.apiEnv(0)));
  }, 120_000);

  test('with an API key instead of a certificate (as for Temporal Cloud), a worker and an API reach a cluster that requires one and a migration completes; a wrong key is refused', async () => {
    const issuer = await startApiKeyIssuer();
    const cluster = await startTemporalCluster({
      serverBinary: await resolveTool('temporalServer', { install: false }),
      dir: join(dir, 'api-key-cluster'),
      db: topology.postgres,
      certs: topology.certs,
      namespace: 'default',
      auth: { kind: 'api-key', jwksUrl: issuer.jwksUrl, setupKey: issuer.issue('setup', ['temporal-system:admin']) },
      databases: { DBNAME: 'temporal_api_key', VISIBILITY_DBNAME: 'temporal_api_key_visibility' },
    });
    const withKey = (apiKey: string) => clusterClientEnv(cluster.address, topology.certs, 'default', apiKey);
    // Rights on the one namespace only, not on the cluster.
    const serviceKey = issuer.issue('smugmug-s3', ['default:write']);
    const worker = topology.newWorker('api-key worker', () => topology.workerEnv(withKey(serviceKey)));
    const api = await topology.newApi('api-key API', (port) => topology.apiEnv(port, withKey(serviceKey)));
    try {
      await worker.start();
      await api.start();
      expect(topology.workerEnv(withKey(serviceKey))).not.toHaveProperty('TEMPORAL_TLS_CLIENT_CERT_PATH');
      const run = await migrate('api-key', undefined, false, [api]);
      figures.apiKey = { seconds: run.seconds };
      await expectRefused('worker/main.ts', topology.workerEnv(withKey('not-a-key')));
      await expectRefused('server/main.ts', topology.apiEnv(0, withKey('not-a-key')));
      for (const log of [worker.process.logFile, api.process.logFile]) {
        expect(await readFile(log, 'utf8')).not.toContain(serviceKey);
      }
    } finally {
      await api.process?.stop();
      await worker.process?.stop();
      await cluster.stop();
      await issuer.close();
    }
  }, 600_000);

  test('one API process killed mid-run while the other answers; deletion approved through it deletes each original once', async () => {
    const run = await migrate('api-killed', () => topology.apis[0].kill(), true);
    expect(topology.apis[1].alive).toBe(true);
    const report = await call('GET', `/v1/migrations/${run.id}/report`);
    expect(report.status).toBe(200);
    const approved = await call('POST', `/v1/migrations/${run.id}/deletion/approve`, {
      approvedBy: 'Production suite',
      albums: 'all',
      reportDigest: report.body.digest,
    });
    expect(approved.status).toBe(200);
    const done = await waitFor(run.id, (s) => s.phase === 'completed');
    const deleted = sandbox.counters().deletions.map((d) => d.imageKey);
    expect(deleted.length).toBeGreaterThan(0);
    expect(new Set(deleted).size).toBe(deleted.length);
    expect(done.deletion.albumsDeleted).toBe(sandbox.library.albums.size);
    figures.apiKilled = { ...run, deleted: deleted.length };

    // The CLI reaches the cluster through the API that survived.
    const cli = spawn(
      process.execPath,
      [join(projectRoot, 'cli/smugmug-s3.cjs'), 'list', '--account', sandbox.library.nickname],
      {
        env: { ...process.env, SMUGMUG_S3_API_URL: topology.apis[1].url, SMUGMUG_S3_API_TOKEN: API_TOKEN },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let listed = '';
    cli.stdout.on('data', (d: Buffer) => (listed += d.toString()));
    expect((await once(cli, 'exit'))[0]).toBe(0);
    expect(listed).toContain(run.id);
  }, 900_000);
});
