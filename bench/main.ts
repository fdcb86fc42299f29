import { DeleteObjectsCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { minioClient } from '../local-stack/minio-server';
import { projectRoot } from '../local-stack/paths';
import { resolveTool } from '../local-stack/tools';
import type { LibraryOptions } from '../smugmug-sandbox/library';
import { startSandbox } from '../smugmug-sandbox/server';
import { startBenchStack } from './bench-stack';
import { throughputChart } from './chart';
import {
  awsSync,
  type BenchRound,
  download,
  rcloneCopy,
  result,
  runService,
  s5cmdCopy,
  type ToolResult,
} from './contenders';
import { cpuMeter } from './cpu-time';
import { CONCURRENCY, MB, type NetworkName, NETWORKS, S3_SHAPE_NOTE } from './networks';
import { benchTool, ensureBenchTools } from './tools';

const MiB = 2 ** 20;
const GB = 1e9;

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

/** Counts a contender's media objects, then deletes everything under its prefix: a full run would fill the disk. */
async function countAndClear(s3: S3Client, bucket: string, prefix: string): Promise<number> {
  let n = 0;
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    const objects = page.Contents ?? [];
    n += objects.filter((o) => /\.(jpg|JPG|mp4|MP4)$/.test(o.Key!)).length;
    if (objects.length > 0)
      await s3.send(
        new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects.map((o) => ({ Key: o.Key! })) } }),
      );
  }
  return n;
}

/** Every contender on one workload and network, one after the other on the same data and MinIO. */
async function runRound(
  round: BenchRound,
  network: NetworkName,
  servers: Record<string, number>,
  s3: S3Client,
  log: (line: string) => void,
  serviceOnly = false,
): Promise<Record<string, ToolResult>> {
  const prefix = (tool: string) => `${network}-${tool}-${round.name}`;
  // Each contender's copy is counted (it must hold every file) and deleted before the next one runs.
  const measured = async (tool: string, label: string, fn: () => Promise<ToolResult>) => {
    log(`${network} ${round.name}: ${label}`);
    const cpu = cpuMeter(servers);
    const measurement = { ...(await fn()), cpuSeconds: cpu() };
    const copied = await countAndClear(s3, round.stack.minio.bucket, `${prefix(tool)}/`);
    if (copied !== round.files)
      throw new Error(`${prefix(tool)}/ held ${copied} of ${round.files} files: that run did not copy everything`);
    return measurement;
  };
  const { curlDownloads, rcloneTransfers } = CONCURRENCY[network];
  const twoStep = async (tool: string, parallel: number) => {
    const dir = join(round.dataDir, `download-${tool}`);
    const downloadSeconds = await download(round, dir, parallel);
    const uploadSeconds = await awsSync(round, dir, prefix(tool));
    return {
      dir,
      result: result(round, downloadSeconds + uploadSeconds, {
        downloadSeconds: Number(downloadSeconds.toFixed(2)),
        uploadSeconds: Number(uploadSeconds.toFixed(2)),
        parallelDownloads: parallel,
      }),
    };
  };

  const results: Record<string, ToolResult> = {};
  results.service = await measured('service', 'the service (one worker)', () => runService(round, prefix('service')));
  // A development run of the service alone: no contender, so no ratio (claims need a full run).
  if (serviceOnly) return results;
  let downloads = '';
  results.twoStep = await measured(
    'twoStep',
    `the two-step way (curl, ${curlDownloads.default} at once, then aws s3 sync)`,
    () => twoStep('twoStep', curlDownloads.default).then((r) => ((downloads = r.dir), r.result)),
  );
  results.uploadOnly = await measured('uploadOnly', 'the upload-only ceiling (aws s3 sync from disk)', async () =>
    result(round, await awsSync(round, downloads, prefix('uploadOnly'))),
  );
  results.uploadOnlyS5cmd = await measured('uploadOnlyS5cmd', 'the upload-only ceiling (s5cmd from disk)', async () =>
    result(round, await s5cmdCopy(round, downloads, prefix('uploadOnlyS5cmd'))),
  );
  await rm(downloads, { recursive: true, force: true });
  if (curlDownloads.tuned) {
    const tuned = curlDownloads.tuned;
    results.twoStepTuned = await measured('twoStepTuned', `the two-step way, ${tuned} downloads at once`, async () => {
      const r = await twoStep('twoStepTuned', tuned);
      await rm(r.dir, { recursive: true, force: true });
      return r.result;
    });
  }
  results.rclone = await measured(
    'rclone',
    `rclone copy, streaming, --transfers ${rcloneTransfers.default}`,
    async () =>
      result(round, await rcloneCopy(round, prefix('rclone'), rcloneTransfers.default), {
        transfers: rcloneTransfers.default,
      }),
  );
  if (rcloneTransfers.tuned) {
    const tuned = rcloneTransfers.tuned;
    results.rcloneTuned = await measured('rcloneTuned', `rclone copy, --transfers ${tuned}`, async () =>
      result(round, await rcloneCopy(round, prefix('rcloneTuned'), tuned), { transfers: tuned }),
    );
  }
  return results;
}

/** The service's figures against each contender's: throughput ratios, and CPU seconds per GB moved. */
function ratiosOf(results: Record<string, ToolResult>, bytes: number) {
  const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
  const cpuPerGB = (r: ToolResult) => Number(((r.cpuSeconds?.tool ?? NaN) / (bytes / GB)).toFixed(2));
  const service = results.service;
  return {
    filesPerSecondVsTwoStep: ratio(service.filesPerSecond, results.twoStep.filesPerSecond),
    filesPerSecondVsRclone: ratio(service.filesPerSecond, results.rclone.filesPerSecond),
    mbPerSecondVsTwoStep: ratio(service.mbPerSecond, results.twoStep.mbPerSecond),
    mbPerSecondVsRclone: ratio(service.mbPerSecond, results.rclone.mbPerSecond),
    mbPerSecondVsUploadOnly: ratio(service.mbPerSecond, results.uploadOnly.mbPerSecond),
    mbPerSecondVsS5cmd: ratio(service.mbPerSecond, results.uploadOnlyS5cmd.mbPerSecond),
    ...(results.twoStepTuned && {
      mbPerSecondVsTwoStepTuned: ratio(service.mbPerSecond, results.twoStepTuned.mbPerSecond),
    }),
    ...(results.rcloneTuned && {
      mbPerSecondVsRcloneTuned: ratio(service.mbPerSecond, results.rcloneTuned.mbPerSecond),
    }),
    workerCpuSecondsPerGB: cpuPerGB(service),
    rcloneCpuSecondsPerGB: cpuPerGB(results.rclone),
    workerCpuVsRclone: ratio(cpuPerGB(service), cpuPerGB(results.rclone)),
  };
}

async function main() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      wan: { type: 'boolean' },
      loopback: { type: 'boolean' },
      out: { type: 'string' },
      only: { type: 'string' },
      'service-only': { type: 'boolean' },
    },
  });
  if (values.only && !['photos', 'videos'].includes(values.only)) throw new Error('--only takes photos or videos');
  const mode = values.quick ? 'quick' : 'full';
  // The full run measures both networks; --wan or --loopback only one; --quick (CI) only loopback.
  if (values.wan && values.loopback)
    throw new Error('--wan and --loopback each run one network; leave both out for both');
  const networks: NetworkName[] = values.wan
    ? ['wan']
    : values.loopback || mode === 'quick'
      ? ['loopback']
      : ['loopback', 'wan'];
  const out = values.out ?? join(projectRoot, 'bench-results');
  const log = (line: string) => console.log(`[bench] ${line}`);
  ensureBenchTools(log);
  const tools = {
    aws: benchTool('aws'),
    rclone: benchTool('rclone'),
    curl: benchTool('curl'),
    s5cmd: await resolveTool('s5cmd', { install: true, log }),
  };

  const bench = await startBenchStack(log);
  const { dataDir, stack, workflowBundle } = bench;
  const s3 = minioClient(stack.minio);
  const servers = { minio: stack.minio.process.child.pid!, temporal: stack.temporal.process.child.pid! };
  const workloads = [];
  try {
    for (const network of networks)
      for (const workload of WORKLOADS[mode].filter((w) => !values.only || w.name === values.only)) {
        log(`${network} ${workload.name}: generating the library`);
        const sandbox = await startSandbox({
          port: 0,
          mediaDir: join(dataDir, 'media'),
          requireSignedMedia: false,
          maxPageSize: 100,
          ...NETWORKS[network],
          library: {
            seed: `bench-${workload.name}`,
            // An account of its own per round: its desk runs on the round's task queue, which ends with the round.
            nickname: `bench-${network}-${workload.name}`,
            trickyCases: false,
            ...workload.library,
          },
        });
        const images = [...sandbox.library.albums.values()].flatMap((a) =>
          a.placements
            .map((p) => sandbox.library.images.get(p.imageKey)!)
            .filter((i) => i.original)
            .map((image) => ({ album: a.albumKey, image })),
        );
        const round: BenchRound = {
          name: workload.name,
          stack,
          sandbox,
          originals: images.map(({ album, image }) => ({
            album,
            fileName: `${image.imageKey}.${image.isVideo ? 'mp4' : 'jpg'}`,
          })),
          files: images.length,
          bytes: images.reduce((sum, { image }) => sum + image.original!.size, 0),
          dataDir,
          workflowBundle,
          tools,
        };
        log(`${network} ${workload.name}: ${round.files} files, ${(round.bytes / MB).toFixed(0)} MB`);
        let results: Record<string, ToolResult>;
        try {
          results = await runRound(round, network, servers, s3, log, values['service-only']);
        } finally {
          await sandbox.close();
        }
        workloads.push({
          network,
          name: workload.name,
          files: round.files,
          bytes: round.bytes,
          results,
          ratios: results.rclone ? ratiosOf(results, round.bytes) : undefined,
        });
      }
  } finally {
    s3.destroy();
    await bench.stop();
  }

  const report = {
    mode,
    finishedAt: new Date().toISOString(),
    command: `npm run bench${[
      values.quick && '--quick',
      values.wan && '--wan',
      values.loopback && '--loopback',
      values.only && `--only ${values.only}`,
      values['service-only'] && '--service-only',
    ]
      .filter(Boolean)
      .join(' ')
      .replace(/^(?=.)/, ' -- ')}`,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
      node: process.version,
    },
    units: { mbPerSecond: '10^6 bytes per second', cpuSecondsPerGB: 'CPU seconds per 10^9 bytes' },
    networks: Object.fromEntries(
      networks.map((n) => [
        n,
        { ...NETWORKS[n], concurrency: CONCURRENCY[n], ...(n === 'wan' && { s3: S3_SHAPE_NOTE }) },
      ]),
    ),
    workloads,
  };
  await mkdir(out, { recursive: true });
  const stamp = report.finishedAt.replace(/[-:]/g, '').replace(/\..*/, '');
  const kind = values['service-only'] ? 'service-only' : mode;
  await writeFile(join(out, `bench-${kind}-${stamp}.json`), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(out, `bench-${kind}-latest.json`), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(
    join(out, `bench-${kind}-latest.svg`),
    throughputChart(
      workloads.flatMap((w) =>
        Object.entries(w.results).map(([tool, r]) => ({
          workload: `${w.network} ${w.name}`,
          tool,
          mbPerSecond: r.mbPerSecond,
        })),
      ),
    ),
  );
  for (const w of workloads) {
    log(
      `${w.network} ${w.name}: ${Object.entries(w.results)
        .map(([tool, r]) => `${tool} ${r.mbPerSecond} MB/s ${r.filesPerSecond} files/s`)
        .join(' | ')}`,
    );
    log(
      `${w.network} ${w.name}: ratios ${JSON.stringify(w.ratios)}; worker peak RSS ${w.results.service.workerPeakRssMB} MB; ${w.results.service.temporalEventsPer1000Files} Temporal events per 1,000 files`,
    );
  }
  log(`written to ${out}/bench-${kind}-latest.json and .svg`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
