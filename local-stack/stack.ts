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
  const install = { install: opts.installTools ?? false, log: opts.log };
  const temporalBin = await resolveTool('temporal', install);
  const minioBin = await resolveTool('minio', install);
  const started: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of started.reverse()) await s().catch(() => undefined);
  };
  /** Remembers how to stop what started, so a failure of one server does not leave the others running. */
  const track = async <T>(starting: Promise<T>, stopper: (server: T) => () => Promise<void>): Promise<T> => {
    const server = await starting;
    started.push(stopper(server));
    return server;
  };
  try {
    const starts = [
      track(startTemporalDevServer({
        binary: temporalBin, port: opts.ports.temporal, uiPort: opts.ports.temporalUi,
        dbFile: join(opts.dataDir, 'temporal.sqlite'), logFile: join(opts.dataDir, 'temporal.log'),
      }), (t) => () => t.process.stop()),
      track(startMinio({
        binary: minioBin, port: opts.ports.minio, consolePort: opts.ports.minioConsole, dataDir: join(opts.dataDir, 'minio'),
        logFile: join(opts.dataDir, 'minio.log'), bucket: opts.bucket ?? 'smugmug-archive',
        ...(opts.minioCredentials ?? { accessKeyId: 'smugmug-s3-local', secretAccessKey: 'smugmug-s3-local-secret' }),
      }), (m) => () => m.process.stop()),
      track(startSandbox({ ...opts.sandbox, port: opts.ports.sandbox, mediaDir: join(opts.dataDir, 'sandbox-media') }), (s) => () => s.close()),
    ] as const;
    // Started together; wait for all to settle so that everything that did start is tracked.
    await Promise.allSettled(starts);
    const [temporal, minio, sandbox] = await Promise.all(starts);
    return { temporal, minio, sandbox, dataDir: opts.dataDir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
