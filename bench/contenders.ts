import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrationHandle, startMigration } from '../client/start-migration';
import { MigrationInput } from '../common/migration-input';
import { run } from '../local-stack/processes';
import type { LocalStack } from '../local-stack/stack';
import type { RunningSandbox } from '../smugmug-sandbox/server';
import type { MigrationResult } from '../workflows/migration';
import { benchTemporalClient } from './bench-stack';
import { migrationHistoryStats } from './history-stats';
import { MB } from './networks';
import { benchWorkerEnv, startWorkerProcess } from './worker-process';

/** One workload on one network: what every contender copies, and where the tools are. */
export interface BenchRound {
  name: string;
  stack: LocalStack;
  sandbox: RunningSandbox;
  originals: Array<{ album: string; fileName: string }>;
  files: number;
  bytes: number;
  dataDir: string;
  workflowBundle: string;
  tools: { aws: string; curl: string; rclone: string; s5cmd: string };
}

export interface ToolResult {
  seconds: number;
  mbPerSecond: number;
  filesPerSecond: number;
  /** CPU seconds during the run: the tool's processes, the bench process (the sandbox), MinIO, Temporal. */
  cpuSeconds?: Record<string, number>;
  [extra: string]: number | Record<string, number> | undefined;
}

export function result(round: BenchRound, seconds: number, extra: Record<string, number> = {}): ToolResult {
  return {
    seconds: Number(seconds.toFixed(2)),
    mbPerSecond: Number((round.bytes / MB / seconds).toFixed(2)),
    filesPerSecond: Number((round.files / seconds).toFixed(2)),
    ...extra,
  };
}

export async function timed(fn: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function s3Env(stack: LocalStack) {
  return {
    AWS_ACCESS_KEY_ID: stack.minio.accessKeyId,
    AWS_SECRET_ACCESS_KEY: stack.minio.secretAccessKey,
    AWS_DEFAULT_REGION: stack.minio.region,
    AWS_REGION: stack.minio.region,
  };
}

/** The service end to end with one worker process: start → every file verified. */
export async function runService(round: BenchRound, prefix: string): Promise<ToolResult> {
  const { stack, sandbox } = round;
  const taskQueue = `bench-${prefix}-${Date.now()}`;
  const worker = await startWorkerProcess(benchWorkerEnv(stack, sandbox, taskQueue, round.workflowBundle));
  const idleRss = await worker.rssMiB();
  const temporal = await benchTemporalClient(stack);
  const { client } = temporal;
  try {
    const input = MigrationInput.parse({
      migrationId: `bench-${round.name}-${Date.now()}`,
      account: sandbox.library.nickname,
      // The other contenders copy the originals only: so does the service here (its previews, on by
      // default, are one small GET and PUT more per image, not part of this comparison).
      target: { bucket: stack.minio.bucket, prefix, previews: false },
    });
    let workflowId = '';
    let outcome: MigrationResult | undefined;
    const seconds = await timed(async () => {
      ({ id: workflowId } = await startMigration(client, taskQueue, input));
      outcome = await migrationHandle(client, workflowId).result();
    });
    if (outcome!.counts.verified !== round.files)
      throw new Error(`The service verified ${outcome!.counts.verified} of ${round.files} files`);
    const history = await migrationHistoryStats(client, workflowId);
    const events = history.accountEvents + history.albumEvents;
    return result(round, seconds, {
      workerPeakRssMB: await worker.peakRssMiB(),
      workerIdleRssMB: idleRss,
      temporalEventsPer1000Files: Math.round((events / round.files) * 1000),
    });
  } finally {
    await temporal.close();
    await worker.stop();
  }
}

/** curl fetches every original into `dir` (`parallel` at once; 1 is curl's own way, one after another). */
export async function download(round: BenchRound, dir: string, parallel: number): Promise<number> {
  const config = join(round.dataDir, `curl-${round.name}.txt`);
  await writeFile(
    config,
    round.originals
      .map(
        ({ album, fileName }) =>
          `url = "${round.sandbox.url}/files/${album}/${fileName}"\noutput = "${join(dir, album, fileName)}"\n`,
      )
      .join(''),
  );
  const concurrency = parallel > 1 ? ['--parallel', '--parallel-max', String(parallel)] : [];
  return timed(() => run(round.tools.curl, ['-sS', '--fail', '--create-dirs', ...concurrency, '-K', config]));
}

/** `aws s3 sync` of a folder at its default concurrency (10 requests). */
export function awsSync(round: BenchRound, dir: string, prefix: string): Promise<number> {
  const { minio } = round.stack;
  return timed(() =>
    run(
      round.tools.aws,
      ['s3', 'sync', dir, `s3://${minio.bucket}/${prefix}/`, '--endpoint-url', minio.endpoint, '--only-show-errors'],
      s3Env(round.stack),
    ),
  );
}

/** s5cmd's copy of a folder at its default concurrency (256 workers). */
export function s5cmdCopy(round: BenchRound, dir: string, prefix: string): Promise<number> {
  const { minio } = round.stack;
  return timed(() =>
    run(
      round.tools.s5cmd,
      ['--endpoint-url', minio.endpoint, 'cp', `${dir}/*`, `s3://${minio.bucket}/${prefix}/`],
      s3Env(round.stack),
    ),
  );
}

/** rclone streaming from the sandbox's file index straight into MinIO, `transfers` files at once. */
export async function rcloneCopy(round: BenchRound, prefix: string, transfers: number): Promise<number> {
  const { minio } = round.stack;
  const config = join(round.dataDir, 'rclone.conf');
  await writeFile(config, '');
  return timed(() =>
    run(
      round.tools.rclone,
      [
        'copy',
        ':http:',
        `:s3:${minio.bucket}/${prefix}`,
        '--config',
        config,
        '--http-url',
        `${round.sandbox.url}/files/`,
        '--http-no-head',
        '--s3-provider',
        'Minio',
        '--s3-endpoint',
        minio.endpoint,
        '--s3-access-key-id',
        minio.accessKeyId,
        '--s3-secret-access-key',
        minio.secretAccessKey,
        '--s3-region',
        minio.region,
        '--transfers',
        String(transfers),
      ],
      // rclone 1.60 cannot use a custom CA bundle with a plain-HTTP endpoint; MinIO here needs none.
      { AWS_CA_BUNDLE: undefined },
    ),
  );
}
