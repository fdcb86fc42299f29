import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { Client, Connection } from '@temporalio/client';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { accountWorkflowId } from '../common/ids';
import { encryptedDataConverter } from '../encryption/data-converter';
import { MigrationInput } from '../common/migration-input';
import { minioClient } from '../local-stack/minio-server';
import { projectRoot } from '../local-stack/paths';
import { run } from '../local-stack/processes';
import type { LocalStack } from '../local-stack/stack';
import type { LibraryOptions } from '../smugmug-sandbox/library';
import { type RunningSandbox, startSandbox } from '../smugmug-sandbox/server';
import { accountMigration } from '../workflows/account-migration';
import { startBenchStack } from './bench-stack';
import { throughputChart } from './chart';
import { cpuMeter } from './cpu-time';
import { benchTool, ensureBenchTools } from './tools';
import { migrationHistoryStats } from './history-stats';
import { benchWorkerEnv, startWorkerProcess } from './worker-process';

const MB = 1e6;
const MiB = 2 ** 20;

interface Workload {
  name: 'photos' | 'videos';
  library: Partial<LibraryOptions>;
}

const WORKLOADS: Record<'quick' | 'full', Workload[]> = {
  quick: [
    {
      name: 'photos',
      library: { albums: 4, folders: 1, photosPerAlbum: 15, videos: 0, photoBytes: { min: 1 * MiB, max: 2 * MiB } },
    },
    {
      name: 'videos',
      library: { albums: 1, folders: 0, photosPerAlbum: 0, videos: 2, videoBytes: { min: 40 * MiB, max: 40 * MiB } },
    },
  ],
  full: [
    {
      name: 'photos',
      library: { albums: 20, folders: 4, photosPerAlbum: 50, videos: 0, photoBytes: { min: 1 * MiB, max: 8 * MiB } },
    },
    {
      name: 'videos',
      library: {
        albums: 1,
        folders: 0,
        photosPerAlbum: 0,
        videos: 3,
        videoBytes: { min: 1024 * MiB, max: 1024 * MiB },
      },
    },
  ],
};

interface ToolResult {
  seconds: number;
  mbPerSecond: number;
  filesPerSecond: number;
  /** CPU seconds during the run: the tool's processes, the bench process (the sandbox), MinIO, Temporal. */
  cpuSeconds?: Record<string, number>;
  [extra: string]: number | Record<string, number> | undefined;
}

function result(seconds: number, files: number, bytes: number, extra: Record<string, number> = {}): ToolResult {
  return {
    seconds: Number(seconds.toFixed(2)),
    mbPerSecond: Number((bytes / MB / seconds).toFixed(2)),
    filesPerSecond: Number((files / seconds).toFixed(2)),
    ...extra,
  };
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

async function countObjects(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  let n = 0;
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    n += (page.Contents ?? []).filter((o) => /\.(jpg|JPG|mp4|MP4)$/.test(o.Key!)).length;
  }
  return n;
}

/** The service end to end with one worker process: start → every file verified. */
async function benchService(
  stack: LocalStack,
  sandbox: RunningSandbox,
  workload: Workload,
  files: number,
  bytes: number,
  workflowBundle: string,
): Promise<ToolResult> {
  const taskQueue = `bench-${workload.name}-${Date.now()}`;
  const worker = await startWorkerProcess(benchWorkerEnv(stack, sandbox, taskQueue, workflowBundle));
  const idleRss = await worker.rssMiB();
  const connection = await Connection.connect({ address: stack.temporal.address });
  const client = new Client({ connection, dataConverter: encryptedDataConverter(stack.payloadKeys) });
  try {
    const input = MigrationInput.parse({
      migrationId: `bench-${workload.name}-${Date.now()}`,
      account: sandbox.library.nickname,
      target: { bucket: stack.minio.bucket, prefix: `service-${workload.name}` },
    });
    const workflowId = accountWorkflowId(input.account, input.migrationId);
    let outcome: Awaited<ReturnType<typeof accountMigration>> | undefined;
    const seconds = await timed(async () => {
      outcome = await client.workflow.execute(accountMigration, { taskQueue, workflowId, args: [input] });
    });
    if (outcome!.counts.verified !== files)
      throw new Error(`The service verified ${outcome!.counts.verified} of ${files} files`);
    const history = await migrationHistoryStats(client, workflowId);
    const events = history.accountEvents + history.albumEvents;
    return result(seconds, files, bytes, {
      workerPeakRssMB: await worker.peakRssMiB(),
      workerIdleRssMB: idleRss,
      temporalEventsPer1000Files: Math.round((events / files) * 1000),
    });
  } finally {
    await connection.close();
    await worker.stop();
  }
}

async function main() {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean' }, out: { type: 'string' }, only: { type: 'string' } },
  });
  if (values.only && !['photos', 'videos'].includes(values.only)) throw new Error('--only takes photos or videos');
  const mode = values.quick ? 'quick' : 'full';
  const out = values.out ?? join(projectRoot, 'bench-results');
  const log = (line: string) => console.log(`[bench] ${line}`);
  ensureBenchTools(log);
  const aws = benchTool('aws');
  const rclone = benchTool('rclone');
  const curl = benchTool('curl');

  const bench = await startBenchStack(log);
  const { dataDir, stack, workflowBundle } = bench;
  const s3 = minioClient(stack.minio);
  const s3Env = {
    AWS_ACCESS_KEY_ID: stack.minio.accessKeyId,
    AWS_SECRET_ACCESS_KEY: stack.minio.secretAccessKey,
    AWS_DEFAULT_REGION: stack.minio.region,
    AWS_REGION: stack.minio.region,
  };
  const workloads = [];
  try {
    for (const workload of WORKLOADS[mode].filter((w) => !values.only || w.name === values.only)) {
      log(`${workload.name}: generating the library`);
      const sandbox = await startSandbox({
        port: 0,
        mediaDir: join(dataDir, 'media'),
        requireSignedMedia: false,
        maxPageSize: 100,
        library: {
          seed: `bench-${workload.name}`,
          nickname: `bench-${workload.name}`,
          trickyCases: false,
          ...workload.library,
        },
      });
      const originals = [...sandbox.library.albums.values()].flatMap((a) =>
        a.placements
          .map((p) => sandbox.library.images.get(p.imageKey)!)
          .filter((i) => i.original)
          .map((i) => ({ album: a.albumKey, image: i })),
      );
      const files = originals.length;
      const bytes = originals.reduce((s, o) => s + o.image.original!.size, 0);
      const results: Record<string, ToolResult> = {};
      try {
        log(`${workload.name}: ${files} files, ${(bytes / MB).toFixed(0)} MB: the service (one worker)`);
        const servers = { minio: stack.minio.process.child.pid!, temporal: stack.temporal.process.child.pid! };
        let cpu = cpuMeter(servers);
        results.service = {
          ...(await benchService(stack, sandbox, workload, files, bytes, workflowBundle)),
          cpuSeconds: cpu(),
        };

        log(`${workload.name}: the two-step way (curl download, then aws s3 sync)`);
        const downloads = join(dataDir, `download-${workload.name}`);
        await mkdir(downloads, { recursive: true });
        const curlConfig = join(dataDir, `curl-${workload.name}.txt`);
        await writeFile(
          curlConfig,
          originals
            .map(({ album, image }) => {
              const name = `${image.imageKey}.${image.isVideo ? 'mp4' : 'jpg'}`;
              return `url = "${sandbox.url}/files/${album}/${name}"\noutput = "${join(downloads, album, name)}"\n`;
            })
            .join(''),
        );
        cpu = cpuMeter(servers);
        const download = await timed(() =>
          run(curl, ['-sS', '--fail', '--create-dirs', '--parallel', '--parallel-max', '8', '-K', curlConfig]),
        );
        const upload = await timed(() =>
          run(
            aws,
            [
              's3',
              'sync',
              downloads,
              `s3://${stack.minio.bucket}/twostep-${workload.name}/`,
              '--endpoint-url',
              stack.minio.endpoint,
              '--only-show-errors',
            ],
            s3Env,
          ),
        );
        results.twoStep = {
          ...result(download + upload, files, bytes, {
            downloadSeconds: Number(download.toFixed(2)),
            uploadSeconds: Number(upload.toFixed(2)),
          }),
          cpuSeconds: cpu(),
        };

        log(`${workload.name}: the upload-only ceiling (aws s3 sync from local disk)`);
        cpu = cpuMeter(servers);
        const uploadOnly = await timed(() =>
          run(
            aws,
            [
              's3',
              'sync',
              downloads,
              `s3://${stack.minio.bucket}/uploadonly-${workload.name}/`,
              '--endpoint-url',
              stack.minio.endpoint,
              '--only-show-errors',
            ],
            s3Env,
          ),
        );
        results.uploadOnly = { ...result(uploadOnly, files, bytes), cpuSeconds: cpu() };
        await rm(downloads, { recursive: true, force: true });

        log(`${workload.name}: rclone copy, streaming from the sandbox`);
        const rcloneConfig = join(dataDir, 'rclone.conf');
        await writeFile(rcloneConfig, '');
        cpu = cpuMeter(servers);
        const rcloneSeconds = await timed(() =>
          run(
            rclone,
            [
              'copy',
              ':http:',
              `:s3:${stack.minio.bucket}/rclone-${workload.name}`,
              '--config',
              rcloneConfig,
              '--http-url',
              `${sandbox.url}/files/`,
              '--http-no-head',
              '--s3-provider',
              'Minio',
              '--s3-endpoint',
              stack.minio.endpoint,
              '--s3-access-key-id',
              stack.minio.accessKeyId,
              '--s3-secret-access-key',
              stack.minio.secretAccessKey,
              '--s3-region',
              stack.minio.region,
              '--transfers',
              '8',
              // rclone 1.60 cannot use a custom CA bundle with a plain-HTTP endpoint; MinIO here needs none.
            ],
            { AWS_CA_BUNDLE: undefined },
          ),
        );
        results.rclone = { ...result(rcloneSeconds, files, bytes), cpuSeconds: cpu() };

        for (const prefix of [
          `service-${workload.name}/`,
          `twostep-${workload.name}/`,
          `uploadonly-${workload.name}/`,
          `rclone-${workload.name}/`,
        ]) {
          const n = await countObjects(s3, stack.minio.bucket, prefix);
          if (n !== files) throw new Error(`${prefix} holds ${n} of ${files} files: that run did not copy everything`);
        }
      } finally {
        await sandbox.close();
      }
      const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
      workloads.push({
        name: workload.name,
        files,
        bytes,
        results,
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
    await bench.stop();
  }

  const report = {
    mode,
    finishedAt: new Date().toISOString(),
    command: `npm run bench${mode === 'quick' ? ' -- --quick' : ''}`,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
      node: process.version,
    },
    units: { mbPerSecond: '10^6 bytes per second' },
    workloads,
  };
  await mkdir(out, { recursive: true });
  const stamp = report.finishedAt.replace(/[-:]/g, '').replace(/\..*/, '');
  await writeFile(join(out, `bench-${mode}-${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(out, `bench-${mode}-latest.json`), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(
    join(out, `bench-${mode}-latest.svg`),
    throughputChart(
      workloads.flatMap((w) =>
        Object.entries(w.results).map(([tool, r]) => ({ workload: w.name, tool, mbPerSecond: r.mbPerSecond })),
      ),
    ),
  );
  for (const w of workloads) {
    log(
      `${w.name}: ${Object.entries(w.results)
        .map(([tool, r]) => `${tool} ${r.mbPerSecond} MB/s ${r.filesPerSecond} files/s`)
        .join(' | ')}`,
    );
    log(
      `${w.name}: ratios ${JSON.stringify(w.ratios)}; worker peak RSS ${w.results.service.workerPeakRssMB} MB; ${w.results.service.temporalEventsPer1000Files} Temporal events per 1,000 files`,
    );
  }
  log(`written to ${out}/bench-${mode}-latest.json and .svg`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
