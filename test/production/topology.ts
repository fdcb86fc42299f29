import { PutBucketVersioningCommand, CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type Certificates, makeCertificates } from '../../local-stack/certificates';
import { minioClient, type MinioServer, startMinio } from '../../local-stack/minio-server';
import { projectRoot } from '../../local-stack/paths';
import { type PostgresServer, startPostgres } from '../../local-stack/postgres-server';
import { freePort, type ServerProcess, spawnServer, waitUntilReady } from '../../local-stack/processes';
import { startTemporalCluster, type TemporalCluster } from '../../local-stack/temporal-cluster';
import { resolveTool } from '../../local-stack/tools';
import type { RunningSandbox } from '../../smugmug-sandbox/server';
import { writeWorkflowBundle } from '../../worker/bundle-workflows';
import { WORKER_MALLOC_ENV, WORKER_NODE_FLAGS } from '../../worker/node-flags';

export const API_TOKEN = 'production-suite-token-0123456789';
const TASK_QUEUE = 'smugmug-s3';
const NAMESPACE = 'default';

/** A worker or API process of the topology, which a test may kill and start again. */
export class ServiceProcess {
  process!: ServerProcess;
  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: () => Record<string, string>,
    private readonly logFile: string,
    /** What this start has logged so far (or the port it serves): whether it is ready. */
    private readonly isReady: (logSinceStart: string) => Promise<boolean>,
    private readonly nodeOptions: string[] = [],
  ) {}

  async start(): Promise<void> {
    const offset = (await stat(this.logFile).catch(() => undefined))?.size ?? 0;
    this.process = await spawnServer(
      this.name,
      process.execPath,
      [...this.nodeOptions, '--import', 'tsx', join(projectRoot, this.script)],
      { env: this.env(), logFile: this.logFile },
    );
    const logSinceStart = async () => (await readFile(this.logFile)).subarray(offset).toString();
    await waitUntilReady(this.process, async () => this.isReady(await logSinceStart()), 60_000);
  }

  async kill(): Promise<void> {
    const { child } = this.process;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  get alive(): boolean {
    return this.process.child.exitCode === null && this.process.child.signalCode === null;
  }
}

export interface ProductionTopology {
  dir: string;
  certs: Certificates;
  postgres: PostgresServer;
  cluster: TemporalCluster;
  minio: MinioServer;
  s3: S3Client;
  workers: ServiceProcess[];
  apis: Array<ServiceProcess & { url: string }>;
  /** Environment of a worker of this topology, for this cluster or another (the tests start extra ones). */
  workerEnv(clientEnv?: Record<string, string>): Record<string, string>;
  apiEnv(port: number, clientEnv?: Record<string, string>): Record<string, string>;
  /** A worker or API process more, not started yet, logging into the topology's folder. */
  newWorker(name: string, env: () => Record<string, string>): ServiceProcess;
  newApi(name: string, env: (port: number) => Record<string, string>): Promise<ServiceProcess & { url: string }>;
  /** PostgreSQL stopped as by a crash (immediate shutdown: recovery at the next start), then started again. */
  restartPostgres(downMs: number): Promise<void>;
  createBucket(name: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The production topology on this machine: PostgreSQL, the Temporal server on it (mTLS), Temporal's
 * UI server, MinIO behind TLS, two worker processes and two API processes, all on 127.0.0.1, each
 * configured by environment as in docker-compose.yml. SmugMug is the test's sandbox.
 */
export async function startProductionTopology(dir: string, sandbox: RunningSandbox): Promise<ProductionTopology> {
  const certs = await makeCertificates(dir);
  const postgresOptions = {
    dataDir: join(dir, 'postgres'),
    port: await freePort(),
    logFile: join(dir, 'postgres.log'),
    user: 'temporal',
    password: randomBytes(12).toString('hex'),
  };
  let postgres = await startPostgres(postgresOptions);
  const stopping: Array<() => Promise<unknown>> = [() => postgres.process.stop()];
  try {
    const cluster = await startTemporalCluster({
      serverBinary: await resolveTool('temporalServer', { install: false }),
      uiBinary: await resolveTool('temporalUi', { install: false }),
      dir,
      db: postgres,
      certs,
      namespace: NAMESPACE,
    });
    stopping.unshift(() => cluster.stop());
    const minio = await startMinio({
      binary: await resolveTool('minio', { install: false }),
      port: await freePort(),
      consolePort: await freePort(),
      dataDir: join(dir, 'minio'),
      logFile: join(dir, 'minio.log'),
      bucket: 'smugmug-s3',
      accessKeyId: 'production-suite',
      secretAccessKey: randomBytes(16).toString('hex'),
      tls: certs,
    });
    stopping.unshift(() => minio.process.stop());
    const s3 = minioClient(minio);

    // Workers load a bundle made ahead of time, as in the image.
    const bundle = join(dir, 'workflow-bundle.js');
    await writeWorkflowBundle(bundle);
    const payloadKeys = `production=${randomBytes(32).toString('base64')}`;
    const common = (clientEnv: Record<string, string>) => ({
      ...clientEnv,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      AWS_REGION: minio.region,
      AWS_ENDPOINT_URL_S3: minio.endpoint,
      AWS_ACCESS_KEY_ID: minio.accessKeyId,
      AWS_SECRET_ACCESS_KEY: minio.secretAccessKey,
      // MinIO's certificate is of the run's CA, as a private S3 endpoint's would be of a company CA.
      NODE_EXTRA_CA_CERTS: certs.caCert,
      PAYLOAD_ENCRYPTION_KEYS: payloadKeys,
    });
    const workerEnv = (clientEnv = cluster.clientEnv) => ({
      ...common(clientEnv),
      SMUGMUG_API_BASE_URL: sandbox.url,
      SMUGMUG_API_KEY: sandbox.credentials.consumerKey,
      SMUGMUG_API_SECRET: sandbox.credentials.consumerSecret,
      SMUGMUG_ACCESS_TOKEN: sandbox.credentials.fullModify.token,
      SMUGMUG_ACCESS_TOKEN_SECRET: sandbox.credentials.fullModify.secret,
      WORKFLOW_BUNDLE_PATH: bundle,
    });
    const apiEnv = (port: number, clientEnv = cluster.clientEnv) => ({
      ...common(clientEnv),
      API_PORT: String(port),
      API_TOKEN,
      ...(cluster.uiUrl ? { TEMPORAL_UI_URL: cluster.uiUrl } : {}),
    });
    const newWorker = (name: string, env: () => Record<string, string>) =>
      new ServiceProcess(
        name,
        'worker/main.ts',
        () => ({ ...env(), ...WORKER_MALLOC_ENV }),
        join(dir, `${name.replace(' ', '-')}.log`),
        async (log) => log.includes('"state":"RUNNING"'),
        [...WORKER_NODE_FLAGS],
      );
    const newApi = async (name: string, env: (port: number) => Record<string, string>) => {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const ready = async () => (await fetch(`${url}/readyz`)).ok;
      const api = new ServiceProcess(
        name,
        'server/main.ts',
        () => env(port),
        join(dir, `${name.replace(' ', '-')}.log`),
        ready,
      );
      return Object.assign(api, { url });
    };
    const workers = [1, 2].map((n) => newWorker(`worker ${n}`, () => workerEnv()));
    const apis = await Promise.all([1, 2].map((n) => newApi(`API ${n}`, (port) => apiEnv(port))));
    for (const p of [...workers, ...apis]) {
      stopping.unshift(() => p.process?.stop() ?? Promise.resolve());
      await p.start();
    }
    return {
      dir,
      certs,
      get postgres() {
        return postgres;
      },
      cluster,
      minio,
      s3,
      workers,
      apis,
      workerEnv,
      apiEnv,
      newWorker,
      newApi,
      async restartPostgres(downMs) {
        postgres.process.child.kill('SIGQUIT');
        await once(postgres.process.child, 'exit');
        await postgres.process.stop();
        await new Promise((r) => setTimeout(r, downMs));
        postgres = await startPostgres(postgresOptions);
      },
      async createBucket(name) {
        await s3.send(new CreateBucketCommand({ Bucket: name }));
        // Deletion on SmugMug needs a versioned bucket (a deleted original can still be restored).
        await s3.send(new PutBucketVersioningCommand({ Bucket: name, VersioningConfiguration: { Status: 'Enabled' } }));
        return name;
      },
      async stop() {
        s3.destroy();
        for (const stop of stopping) await stop().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const stop of stopping) await stop().catch(() => undefined);
    throw err;
  }
}
