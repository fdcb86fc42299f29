import { mkdir } from 'node:fs/promises';
import { newPayloadKeySpec } from '../encryption/payload-codec';
import { join } from 'node:path';
import { DEFAULT_RAW_COMPONENTS } from '../smugmug-sandbox/library';
import { type RunningSandbox, type SandboxOptions, startSandbox } from '../smugmug-sandbox/server';
import { type MinioServer, startMinio } from './minio-server';
import { freePort } from './processes';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-server';
import { keptSecret } from '../config/kept-secret';
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
  /** PAYLOAD_ENCRYPTION_KEYS for this stack's workers and clients, kept with its data so old runs stay readable. */
  payloadKeys: string;
  stop(): Promise<void>;
}

export const DEFAULT_PORTS: StackPorts = {
  temporal: 7233,
  temporalUi: 8233,
  minio: 9000,
  minioConsole: 9001,
  sandbox: 8467,
};

const PORT_ENV: Record<keyof StackPorts, string> = {
  temporal: 'TEMPORAL_PORT',
  temporalUi: 'TEMPORAL_UI_PORT',
  minio: 'MINIO_PORT',
  minioConsole: 'MINIO_CONSOLE_PORT',
  sandbox: 'SANDBOX_PORT',
};

/** The default ports, each overridable by its environment variable. */
export function portsFromEnv(env: NodeJS.ProcessEnv = process.env): StackPorts {
  const ports = { ...DEFAULT_PORTS };
  for (const [key, name] of Object.entries(PORT_ENV) as Array<[keyof StackPorts, string]>) {
    const value = env[name];
    if (value === undefined) continue;
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535)
      throw new Error(`${name}=${value} is not a port number (1-65535)`);
    ports[key] = Number(value);
  }
  return ports;
}

/** Every URL and credential a person needs to use the stack. */
export function describeStack({
  temporal,
  minio,
  sandbox,
  payloadKeys,
}: Pick<LocalStack, 'temporal' | 'minio' | 'sandbox' | 'payloadKeys'>): string {
  const c = sandbox.credentials;
  return `Temporal   ${temporal.address}  namespace ${temporal.namespace}
  web UI   ${temporal.uiUrl}
  TEMPORAL_ADDRESS=${temporal.address}
  PAYLOAD_ENCRYPTION_KEYS=${payloadKeys}

MinIO (S3) ${minio.endpoint}   console ${minio.consoleUrl}
  bucket ${minio.bucket}
  AWS_ENDPOINT_URL_S3=${minio.endpoint}
  AWS_ACCESS_KEY_ID=${minio.accessKeyId}
  AWS_SECRET_ACCESS_KEY=${minio.secretAccessKey}
  AWS_REGION=${minio.region}

SmugMug sandbox ${sandbox.url}  (user ${sandbox.library.nickname}: ${sandbox.library.albums.size} albums, ${sandbox.library.images.size} images)
  SMUGMUG_API_BASE_URL=${sandbox.url}
  SMUGMUG_API_KEY=${c.consumerKey}
  SMUGMUG_API_SECRET=${c.consumerSecret}
  SMUGMUG_ACCESS_TOKEN=${c.fullModify.token}
  SMUGMUG_ACCESS_TOKEN_SECRET=${c.fullModify.secret}
  admin: ${sandbox.url}/__sandbox/info  ${sandbox.url}/__sandbox/counters  ${sandbox.url}/__sandbox/faults
`;
}

/** The payload key of a data folder: made once, then read from there (readable by its owner only). */
export async function localPayloadKeys(dataDir: string): Promise<string> {
  return (await keptSecret(join(dataDir, 'payload-encryption-keys'), () => newPayloadKeySpec('local-1'))).value;
}

export async function freePorts(): Promise<StackPorts> {
  // A port just freed can be handed out again by the next ask: five distinct ones are needed.
  const ports = new Set<number>();
  while (ports.size < 5) ports.add(await freePort());
  const [temporal, temporalUi, minio, minioConsole, sandbox] = [...ports];
  return { temporal, temporalUi, minio, minioConsole, sandbox };
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
  /** Where the Temporal UI sends payloads to be decoded: the API's /codec. */
  codecEndpoint?: string;
  /** Namespaces beside `default`, with the project's search attributes. */
  extraNamespaces?: string[];
  log?: (line: string) => void;
}): Promise<LocalStack> {
  await mkdir(opts.dataDir, { recursive: true });
  const payloadKeys = await localPayloadKeys(opts.dataDir);
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
      track(
        startTemporalDevServer({
          binary: temporalBin,
          port: opts.ports.temporal,
          uiPort: opts.ports.temporalUi,
          dbFile: join(opts.dataDir, 'temporal.sqlite'),
          logFile: join(opts.dataDir, 'temporal.log'),
          codecEndpoint: opts.codecEndpoint,
          extraNamespaces: opts.extraNamespaces,
        }),
        (t) => () => t.process.stop(),
      ),
      track(
        startMinio({
          binary: minioBin,
          port: opts.ports.minio,
          consolePort: opts.ports.minioConsole,
          dataDir: join(opts.dataDir, 'minio'),
          logFile: join(opts.dataDir, 'minio.log'),
          bucket: opts.bucket ?? 'smugmug-archive',
          ...(opts.minioCredentials ?? { accessKeyId: 'smugmug-s3-local', secretAccessKey: 'smugmug-s3-local-secret' }),
        }),
        (m) => () => m.process.stop(),
      ),
      track(
        startSandbox({
          ...opts.sandbox,
          // The sandbox's default library: an account with SmugMug Source, so a few photos carry a RAW.
          library: { rawComponents: DEFAULT_RAW_COMPONENTS, ...opts.sandbox?.library },
          port: opts.ports.sandbox,
          mediaDir: join(opts.dataDir, 'sandbox-media'),
        }),
        (s) => () => s.close(),
      ),
    ] as const;
    // Started together; wait for all to settle so that everything that did start is tracked.
    await Promise.allSettled(starts);
    const [temporal, minio, sandbox] = await Promise.all(starts);
    return { temporal, minio, sandbox, dataDir: opts.dataDir, payloadKeys, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * The stack on free ports, for tests and benchmarks running beside other processes: a port found
 * free can be taken by someone else before a server binds it, so that failure is retried on new ports.
 */
export async function startLocalStackOnFreePorts(
  opts: Omit<Parameters<typeof startLocalStack>[0], 'ports'>,
): Promise<LocalStack> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startLocalStack({ ...opts, ports: await freePorts() });
    } catch (err) {
      if (attempt >= 3 || !/already in use|EADDRINUSE/i.test((err as Error).message)) throw err;
      opts.log?.(`A port was taken before its server could bind it; starting again on new ports`);
    }
  }
}

/** Ctrl-C (or SIGTERM) stops every server of the stack, then the process. */
export function stopOnSignals(stack: { stop(): Promise<void> }, what = 'the local stack'): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping ${what}...`);
    stack.stop().then(
      () => {
        console.log('Stopped.');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
