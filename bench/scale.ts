import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { migrationHandle, startMigration } from '../client/start-migration';
import { MigrationInput } from '../common/migration-input';
import { minioClient } from '../local-stack/minio-server';
import { projectRoot } from '../local-stack/paths';
import { startSandbox } from '../smugmug-sandbox/server';
import { benchTemporalClient, startBenchStack } from './bench-stack';
import { migrationHistoryStats } from './history-stats';
import { benchWorkerEnv, startWorkerProcess, type WorkerProcess } from './worker-process';

/**
 * `npm run bench:scale`: an account of many tiny images in many albums, migrated to completion by
 * one or more worker processes (one of them optionally SIGKILLed mid-run). Checks every object's
 * bytes through its ETag (single-part uploads: the MD5) and reports wall time, history sizes,
 * the largest payload, continue-as-new count and each worker's peak RSS.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      images: { type: 'string', default: '100000' },
      albums: { type: 'string', default: '2000' },
      workers: { type: 'string', default: '1' },
      'kill-one-after': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const images = Number(values.images);
  const albums = Number(values.albums);
  const workerCount = Number(values.workers);
  const killAfterSeconds = values['kill-one-after'] === undefined ? undefined : Number(values['kill-one-after']);
  if (![images, albums, workerCount].every((n) => Number.isInteger(n) && n > 0) || images % albums !== 0) {
    throw new Error(
      '--images, --albums and --workers take positive whole numbers, and --images must be a multiple of --albums',
    );
  }
  if (killAfterSeconds !== undefined && (workerCount < 2 || !(killAfterSeconds > 0)))
    throw new Error('--kill-one-after takes seconds and needs --workers 2 or more');
  const log = (line: string) => console.log(`[scale] ${line}`);

  const bench = await startBenchStack(log);
  const { stack } = bench;
  const s3 = minioClient(stack.minio);
  const workers: WorkerProcess[] = [];
  try {
    log(`generating ${images} images in ${albums} albums`);
    const generated = Date.now();
    const sandbox = await startSandbox({
      port: 0,
      mediaDir: join(bench.dataDir, 'media'),
      maxPageSize: 100,
      library: {
        seed: 'scale',
        nickname: 'scale',
        albums,
        folders: Math.ceil(albums / 50),
        photosPerAlbum: images / albums,
        videos: 0,
        photoBytes: { min: 1000, max: 4000 },
        trickyCases: false,
      },
    });
    log(`library generated in ${((Date.now() - generated) / 1000).toFixed(0)} s`);
    const temporal = await benchTemporalClient(stack);
    const { client } = temporal;
    try {
      const taskQueue = `scale-${Date.now()}`;
      const env = benchWorkerEnv(stack, sandbox, taskQueue, bench.workflowBundle);
      for (let i = 0; i < workerCount; i++) workers.push(await startWorkerProcess(env));
      const input = MigrationInput.parse({
        migrationId: `scale-${Date.now()}`,
        account: sandbox.library.nickname,
        // The originals only, as every recorded scale run (previews are one small GET and PUT more per image).
        target: { bucket: stack.minio.bucket, prefix: 'scale', previews: false },
      });
      const started = Date.now();
      const { id: workflowId } = await startMigration(client, taskQueue, input);
      const handle = migrationHandle(client, workflowId);
      let killedWorker: { afterSeconds: number; peakRssMiB: number } | undefined;
      const killer =
        killAfterSeconds === undefined
          ? undefined
          : setTimeout(() => {
              void (async () => {
                const peakRssMiB = await workers[0].peakRssMiB();
                await workers[0].kill();
                killedWorker = { afterSeconds: killAfterSeconds, peakRssMiB };
                log(`worker 1 killed (SIGKILL) after ${killAfterSeconds} s`);
              })();
            }, killAfterSeconds * 1000);
      const progress = setInterval(() => {
        void handle.query('migrationProgress').then(
          (p) => {
            const { counts } = p as { counts: { albumsDone: number; albumsTotal: number; transferredFiles: number } };
            log(
              `${counts.albumsDone}/${counts.albumsTotal} albums, ${counts.transferredFiles} files copied, ${((Date.now() - started) / 1000).toFixed(0)} s`,
            );
          },
          () => undefined,
        );
      }, 30_000);
      const outcome = await handle.result().finally(() => {
        clearInterval(progress);
        clearTimeout(killer);
      });
      const wallSeconds = (Date.now() - started) / 1000;
      if (killAfterSeconds !== undefined && !killedWorker)
        throw new Error(`The migration finished in ${wallSeconds.toFixed(0)} s, before the worker was to be killed`);
      const survivors = killedWorker ? workers.slice(1) : workers;
      const peakRssMiB = await Promise.all(survivors.map((w) => w.peakRssMiB()));

      // Every original is in the bucket exactly once with its bytes: a single PUT's ETag is its MD5.
      const expected = new Map<string, number>();
      for (const image of sandbox.library.images.values())
        if (image.original) expected.set(image.original.md5, (expected.get(image.original.md5) ?? 0) + 1);
      let objects = 0;
      for await (const page of paginateListObjectsV2(
        { client: s3 },
        { Bucket: stack.minio.bucket, Prefix: 'scale/' },
      )) {
        for (const o of page.Contents ?? []) {
          if (!o.Key!.endsWith('.JPG')) continue;
          objects += 1;
          const md5 = o.ETag!.replaceAll('"', '');
          const left = expected.get(md5);
          if (!left) throw new Error(`${o.Key} holds bytes (MD5 ${md5}) no original has, or one original twice`);
          expected.set(md5, left - 1);
        }
      }
      const missing = [...expected.values()].reduce((a, b) => a + b, 0);
      if (outcome.counts.verified !== images || objects !== images || missing !== 0) {
        throw new Error(
          `verified ${outcome.counts.verified}, objects ${objects}, missing ${missing} of ${images} images`,
        );
      }
      log('every image is in the bucket with its original bytes; reading the histories');
      const history = await migrationHistoryStats(client, workflowId);
      const report = {
        finishedAt: new Date().toISOString(),
        command: `npm run bench:scale -- --images ${images} --albums ${albums} --workers ${workerCount}${killAfterSeconds ? ` --kill-one-after ${killAfterSeconds}` : ''}`,
        machine: {
          cpus: cpus().length,
          cpuModel: cpus()[0]?.model,
          memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
          node: process.version,
        },
        images,
        albums,
        workers: workerCount,
        killedWorker,
        wallSeconds: Number(wallSeconds.toFixed(1)),
        imagesPerSecond: Number((images / wallSeconds).toFixed(1)),
        counts: outcome.counts,
        continuedAsNew: outcome.continuedAsNew,
        history,
        workerPeakRssMiB: peakRssMiB,
      };
      const out = values.out ?? join(projectRoot, 'bench-results');
      await mkdir(out, { recursive: true });
      const name = `scale-${images}-${workerCount}w${killAfterSeconds ? '-kill' : ''}.json`;
      await writeFile(join(out, name), `${JSON.stringify(report, null, 2)}\n`);
      log(JSON.stringify(report, null, 2));
      log(`written to ${join(out, name)}`);
    } finally {
      await temporal.close();
      await sandbox.close();
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    s3.destroy();
    await bench.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
