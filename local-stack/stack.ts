import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunningSandbox, type SandboxOptions, startSandbox } from '../smugmug-sandbox/server';
import { type MinioServer, startMinio } from './minio-server';
import { freePort } from './processes';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-server';
import { resolveTool } from './tools';

export interface StackPorts {
  temporal: number;
  temporalUi: number;
  minio: number;
  minioConsole: number;
  sandbox: number;
}

export interface LocalStack {
  temporal: TemporalDevServer;
  minio: MinioServer;
  sandbox: RunningSandbox;
  dataDir: string;
  stop(): Promise<void>;
}

export const DEFAULT_PORTS: StackPorts = { temporal: 7233, temporalUi: 8233, minio: 9000, minioConsole: 9001, sandbox: 8467 };

export async function freePorts(): Promise<StackPorts> {
  return { temporal: await freePort(), temporalUi: await freePort(), minio: await freePort(), minioConsole: await freePort(), sandbox: await freePort() };
}

/**
 * Starts the Temporal dev server (with its web UI), MinIO with a bucket, and the SmugMug sandbox,
 * all on 127.0.0.1, with their data under `dataDir`. On a failure, what was started is stopped.
 */
export async function startLocalStack(opts: {
  dataDir: string;
  ports: StackPorts;
  bucket?: string;
  minioCredentials?: { accessKeyId: string; secretAccessKey: string };
  sandbox?: Omit<SandboxOptions, 'port' | 'mediaDir'>;
  installTools?: boolean;
  log?: (line: string) => void;
}): Promise<LocalStack> {
  await mkdir(opts.dataDir, { recursive: true });
  const [temporalBin, minioBin] = [
    await resolveTool('temporal', { install: opts.installTools ?? false, log: opts.log }),
    await resolveTool('minio', { install: opts.installTools ?? false, log: opts.log }),
  ];
  const started: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of started.reverse()) await s().catch(() => undefined);
  };
  try {
    const temporalStart = startTemporalDevServer({
      binary: temporalBin, port: opts.ports.temporal, uiPort: opts.ports.temporalUi,
      dbFile: join(opts.dataDir, 'temporal.sqlite'), logFile: join(opts.dataDir, 'temporal.log'),
    });
    const minioStart = startMinio({
      binary: minioBin, port: opts.ports.minio, consolePort: opts.ports.minioConsole, dataDir: join(opts.dataDir, 'minio'),
      logFile: join(opts.dataDir, 'minio.log'), bucket: opts.bucket ?? 'smugmug-archive',
      ...(opts.minioCredentials ?? { accessKeyId: 'smugmug-s3-local', secretAccessKey: 'smugmug-s3-local-secret' }),
    });
    const sandboxStart = startSandbox({ ...opts.sandbox, port: opts.ports.sandbox, mediaDir: join(opts.dataDir, 'sandbox-media') });
    // Started together, stopped in any case: a failure of one must not leave the others running.
    const [temporal, minio, sandbox] = await Promise.allSettled([temporalStart, minioStart, sandboxStart]);
    if (temporal.status === 'fulfilled') started.push(() => temporal.value.process.stop());
    if (minio.status === 'fulfilled') started.push(() => minio.value.process.stop());
    if (sandbox.status === 'fulfilled') started.push(() => sandbox.value.close());
    for (const r of [temporal, minio, sandbox]) if (r.status === 'rejected') throw r.reason;
    return {
      temporal: (temporal as PromiseFulfilledResult<TemporalDevServer>).value,
      minio: (minio as PromiseFulfilledResult<MinioServer>).value,
      sandbox: (sandbox as PromiseFulfilledResult<RunningSandbox>).value,
      dataDir: opts.dataDir, stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
