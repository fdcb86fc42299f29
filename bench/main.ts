import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WorkerConfig } from '../activities/config';
import { accountWorkflowId } from '../common/ids';
import { MigrationInput } from '../common/migration-input';
import { minioClient } from '../local-stack/minio-server';
import { projectRoot } from '../local-stack/paths';
import { freePorts, startLocalStack, type LocalStack } from '../local-stack/stack';
import type { LibraryOptions } from '../smugmug-sandbox/library';
import { type RunningSandbox, startSandbox } from '../smugmug-sandbox/server';
import { accountMigration } from '../workflows/account-migration';
import { MigrationId } from '../workflows/search-attributes';
import { writeWorkflowBundle } from '../worker/bundle-workflows';
import { throughputChart } from './chart';
import { benchTool, ensureBenchTools, run } from './tools';

const MB = 1e6;
const MiB = 2 ** 20;

interface Workload {
  name: 'photos' | 'videos';
  library: Partial<LibraryOptions>;
}

const WORKLOADS: Record<'quick' | 'full', Workload[]> = {
  quick: [
    { name: 'photos', library: { albums: 4, folders: 1, photosPerAlbum: 15, videos: 0, photoBytes: { min: 1 * MiB, max: 2 * MiB } } },
    { name: 'videos', library: { albums: 1, folders: 0, photosPerAlbum: 0, videos: 2, videoBytes: { min: 40 * MiB, max: 40 * MiB } } },
  ],
  full: [
    { name: 'photos', library: { albums: 20, folders: 4, photosPerAlbum: 50, videos: 0, photoBytes: { min: 1 * MiB, max: 8 * MiB } } },
    { name: 'videos', library: { albums: 1, folders: 0, photosPerAlbum: 0, videos: 3, videoBytes: { min: 1024 * MiB, max: 1024 * MiB } } },
  ],
};

interface ToolResult {
  seconds: number;
  mbPerSecond: number;
  filesPerSecond: number;
  [extra: string]: number;
}

function result(seconds: number, files: number, bytes: number, extra: Record<string, number> = {}): ToolResult {
  return { seconds: Number(seconds.toFixed(2)), mbPerSecond: Number((bytes / MB / seconds).toFixed(2)), filesPerSecond: Number((files / seconds).toFixed(2)), ...extra };
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function countObjects(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  let n = 0;
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    n += (page.Contents ?? []).filter((o) => /\.(jpg|JPG|mp4|MP4)$/.test(o.Key!)).length;
    token = page.NextContinuationToken;
  } while (token);
  return n;
}

/** The service end to end with one worker process: start → every file verified. */
async function benchService(stack: LocalStack, sandbox: RunningSandbox, workload: Workload, files: number, bytes: number, workflowBundle: string): Promise<ToolResult> {
  const c = sandbox.credentials;
  const config = WorkerConfig.parse({
    SMUGMUG_API_BASE_URL: sandbox.url, SMUGMUG_API_KEY: c.consumerKey, SMUGMUG_API_SECRET: c.consumerSecret, SMUGMUG_ACCESS_TOKEN: c.fullRead.token,
    SMUGMUG_ACCESS_TOKEN_SECRET: c.fullRead.secret, AWS_REGION: stack.minio.region, AWS_ENDPOINT_URL_S3: stack.minio.endpoint,
    TEMPORAL_ADDRESS: stack.temporal.address, TEMPORAL_TASK_QUEUE: `bench-${workload.name}-${Date.now()}`,
  });
  const env = {
    ...Object.fromEntries(Object.entries(config).map(([k, v]) => [k, String(v)])), AWS_ACCESS_KEY_ID: stack.minio.accessKeyId,
    AWS_SECRET_ACCESS_KEY: stack.minio.secretAccessKey, WORKFLOW_BUNDLE_PATH: workflowBundle,
  };
  const worker = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], { cwd: projectRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  worker.stdout.on('data', (d: Buffer) => (log += d.toString()));
  worker.stderr.on('data', (d: Buffer) => (log += d.toString()));
  for (const deadline = Date.now() + 60_000; !log.includes('Worker polling'); await new Promise((r) => setTimeout(r, 100))) {
    if (Date.now() > deadline || worker.exitCode !== null) throw new Error(`The bench worker did not start:\n${log.slice(-2000)}`);
  }
  const connection = await Connection.connect({ address: stack.temporal.address });
  const client = new Client({ connection });
  try {
    const input = MigrationInput.parse({ migrationId: `bench-${workload.name}-${Date.now()}`, account: sandbox.library.nickname, target: { bucket: stack.minio.bucket, prefix: `service-${workload.name}` } });
    const workflowId = accountWorkflowId(input.account, input.migrationId);
    let outcome: Awaited<ReturnType<typeof accountMigration>> | undefined;
    const seconds = await timed(async () => {
      outcome = await client.workflow.execute(accountMigration, { taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId, args: [input] });
    });
    if (outcome!.counts.verified !== files) throw new Error(`The service verified ${outcome!.counts.verified} of ${files} files`);
    const peakRss = Number(/VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${worker.pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
    let events = (await client.workflow.getHandle(workflowId).fetchHistory()).events!.length;
    for await (const album of client.workflow.list({ query: `${MigrationId.name} = '${workflowId}'` })) {
      events += (await client.workflow.getHandle(album.workflowId, album.runId).fetchHistory()).events!.length;
    }
    return result(seconds, files, bytes, { workerPeakRssMB: Number((peakRss / MiB).toFixed(1)), temporalEventsPer1000Files: Math.round((events / files) * 1000) });
  } finally {
    await connection.close();
    worker.kill('SIGTERM');
    await once(worker, 'exit');
  }
}

async function main() {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, out: { type: 'string' }, only: { type: 'string' } } });
  if (values.only && !['photos', 'videos'].includes(values.only)) throw new Error('--only takes photos or videos');
  const mode = values.quick ? 'quick' : 'full';
  const out = values.out ?? join(projectRoot, 'bench-results');
  const log = (line: string) => console.log(`[bench] ${line}`);
  ensureBenchTools(log);
  const aws = benchTool('aws');
  const rclone = benchTool('rclone');
  const curl = benchTool('curl');

  const dataDir = await mkdtemp(join(process.env.BENCH_DATA_DIR ?? tmpdir(), 'smugmug-s3-bench-'));
  const stack = await startLocalStack({ dataDir, ports: await freePorts(), bucket: 'bench', installTools: true, log });
  const s3 = minioClient(stack.minio);
  const s3Env = { AWS_ACCESS_KEY_ID: stack.minio.accessKeyId, AWS_SECRET_ACCESS_KEY: stack.minio.secretAccessKey, AWS_DEFAULT_REGION: stack.minio.region, AWS_REGION: stack.minio.region };
  const workloads = [];
  // Workers start from a prebuilt bundle, as in production: webpack is not part of what is measured.
  const workflowBundle = join(dataDir, 'workflow-bundle.js');
  await writeWorkflowBundle(workflowBundle);
  try {
    for (const workload of WORKLOADS[mode].filter((w) => !values.only || w.name === values.only)) {
      log(`${workload.name}: generating the library`);
      const sandbox = await startSandbox({
        port: 0, mediaDir: join(dataDir, 'media'), requireSignedMedia: false, maxPageSize: 100,
        library: { seed: `bench-${workload.name}`, nickname: `bench-${workload.name}`, trickyCases: false, ...workload.library },
      });
      const originals = [...sandbox.library.albums.values()].flatMap((a) =>
        a.placements.map((p) => sandbox.library.images.get(p.imageKey)!).filter((i) => i.original).map((i) => ({ album: a.albumKey, image: i })),
      );
      const files = originals.length;
      const bytes = originals.reduce((s, o) => s + o.image.original!.size, 0);
      const results: Record<string, ToolResult> = {};
      try {
        log(`${workload.name}: ${files} files, ${(bytes / MB).toFixed(0)} MB: the service (one worker)`);
        results.service = await benchService(stack, sandbox, workload, files, bytes, workflowBundle);

        log(`${workload.name}: the two-step way (curl download, then aws s3 sync)`);
        const downloads = join(dataDir, `download-${workload.name}`);
        await mkdir(downloads, { recursive: true });
        const curlConfig = join(dataDir, `curl-${workload.name}.txt`);
        await writeFile(curlConfig, originals.map(({ album, image }) => {
          const name = `${image.imageKey}.${image.isVideo ? 'mp4' : 'jpg'}`;
          return `url = "${sandbox.url}/files/${album}/${name}"\noutput = "${join(downloads, album, name)}"\n`;
        }).join(''));
        const download = await timed(() => run(curl, ['-sS', '--fail', '--create-dirs', '--parallel', '--parallel-max', '8', '-K', curlConfig]));
        const upload = await timed(() => run(aws, ['s3', 'sync', downloads, `s3://${stack.minio.bucket}/twostep-${workload.name}/`, '--endpoint-url', stack.minio.endpoint, '--only-show-errors'], s3Env));
        results.twoStep = result(download + upload, files, bytes, { downloadSeconds: Number(download.toFixed(2)), uploadSeconds: Number(upload.toFixed(2)) });

        log(`${workload.name}: the upload-only ceiling (aws s3 sync from local disk)`);
        const uploadOnly = await timed(() => run(aws, ['s3', 'sync', downloads, `s3://${stack.minio.bucket}/uploadonly-${workload.name}/`, '--endpoint-url', stack.minio.endpoint, '--only-show-errors'], s3Env));
        results.uploadOnly = result(uploadOnly, files, bytes);
        await rm(downloads, { recursive: true, force: true });

        log(`${workload.name}: rclone copy, streaming from the sandbox`);
        const rcloneConfig = join(dataDir, 'rclone.conf');
        await writeFile(rcloneConfig, '');
        const rcloneSeconds = await timed(() => run(rclone, [
          'copy', ':http:', `:s3:${stack.minio.bucket}/rclone-${workload.name}`, '--config', rcloneConfig, '--http-url', `${sandbox.url}/files/`, '--http-no-head',
          '--s3-provider', 'Minio', '--s3-endpoint', stack.minio.endpoint, '--s3-access-key-id', stack.minio.accessKeyId,
          '--s3-secret-access-key', stack.minio.secretAccessKey, '--s3-region', stack.minio.region, '--transfers', '8',
          // rclone 1.60 cannot use a custom CA bundle with a plain-HTTP endpoint; MinIO here needs none.
        ], { AWS_CA_BUNDLE: undefined }));
        results.rclone = result(rcloneSeconds, files, bytes);

        for (const prefix of [`service-${workload.name}/`, `twostep-${workload.name}/`, `uploadonly-${workload.name}/`, `rclone-${workload.name}/`]) {
          const n = await countObjects(s3, stack.minio.bucket, prefix);
          if (n !== files) throw new Error(`${prefix} holds ${n} of ${files} files: that run did not copy everything`);
        }
      } finally {
        await sandbox.close();
      }
      const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
      workloads.push({
        name: workload.name, files, bytes, results,
        ratios: {
          filesPerSecondVsTwoStep: ratio(results.service.filesPerSecond, results.twoStep.filesPerSecond),
          filesPerSecondVsRclone: ratio(results.service.filesPerSecond, results.rclone.filesPerSecond),
          mbPerSecondVsRclone: ratio(results.service.mbPerSecond, results.rclone.mbPerSecond),
          mbPerSecondVsUploadOnly: ratio(results.service.mbPerSecond, results.uploadOnly.mbPerSecond),
        },
      });
    }
  } finally {
    s3.destroy();
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }

  const report = {
    mode, finishedAt: new Date().toISOString(), command: `npm run bench${mode === 'quick' ? ' -- --quick' : ''}`,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)), node: process.version },
    units: { mbPerSecond: '10^6 bytes per second' }, workloads,
  };
  await mkdir(out, { recursive: true });
  const stamp = report.finishedAt.replace(/[-:]/g, '').replace(/\..*/, '');
  await writeFile(join(out, `bench-${mode}-${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(out, `bench-${mode}-latest.json`), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(out, `bench-${mode}-latest.svg`), throughputChart(workloads.flatMap((w) => Object.entries(w.results).map(([tool, r]) => ({ workload: w.name, tool, mbPerSecond: r.mbPerSecond })))));
  for (const w of workloads) {
    log(`${w.name}: ${Object.entries(w.results).map(([tool, r]) => `${tool} ${r.mbPerSecond} MB/s ${r.filesPerSecond} files/s`).join(' | ')}`);
    log(`${w.name}: ratios ${JSON.stringify(w.ratios)}; worker peak RSS ${w.results.service.workerPeakRssMB} MB; ${w.results.service.temporalEventsPer1000Files} Temporal events per 1,000 files`);
  }
  log(`written to ${out}/bench-${mode}-latest.json and .svg`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
