import { CreateBucketCommand, GetObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { WorkflowNotFoundError } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createHash, randomUUID } from 'node:crypto';
import { connectTemporalClient } from '../../client/connection';
import { migrationHandle, startMigration } from '../../client/start-migration';
import { accountDeskWorkflowId } from '../../common/ids';
import { MigrationInput, type MigrationInputRequest } from '../../common/migration-input';
import { temporalConnectionOptions } from '../../config/temporal';
import { failureConverterPath } from '../../encryption/data-converter';
import { minioClient } from '../../local-stack/minio-server';
import type { RunningSandbox } from '../../smugmug-sandbox/server';
import type { MigrationResult } from '../../workflows/migration';
import { WorkerConfig, workerConfigEnv } from '../../worker/config';
import { createMigrationWorker } from '../../worker/create-worker';
import { testStack } from './test-stack';

/** Worker configuration for a sandbox and the test run's MinIO, on a task queue of the test's own. */
export function workerConfigFor(
  sandbox: RunningSandbox,
  overrides: Partial<Record<keyof WorkerConfig, string>> = {},
): WorkerConfig {
  const { minio, temporal } = testStack();
  const c = sandbox.credentials;
  return WorkerConfig.parse({
    SMUGMUG_API_BASE_URL: sandbox.url,
    SMUGMUG_API_KEY: c.consumerKey,
    SMUGMUG_API_SECRET: c.consumerSecret,
    SMUGMUG_ACCESS_TOKEN: c.fullModify.token,
    SMUGMUG_ACCESS_TOKEN_SECRET: c.fullModify.secret,
    AWS_REGION: minio.region,
    AWS_ENDPOINT_URL_S3: minio.endpoint,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    PAYLOAD_ENCRYPTION_KEYS: process.env.PAYLOAD_ENCRYPTION_KEYS,
    ...overrides,
  });
}

/** A configuration as a worker process reads it from its environment. */
export const workerEnv = workerConfigEnv;

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/** The workflow code bundled once per test file (webpack takes seconds). */
export function workflowBundle() {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    failureConverterPath,
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
  });
  return bundle;
}

export async function createTestBucket(s3: S3Client, label: string): Promise<string> {
  const bucket = `${label}-${randomUUID().slice(0, 8)}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

export async function listKeys(s3: S3Client, bucket: string, prefix = ''): Promise<Map<string, number>> {
  const keys = new Map<string, number>();
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const o of page.Contents ?? []) keys.set(o.Key!, o.Size ?? 0);
  }
  return keys;
}

export async function readObject(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

export const md5Of = (buf: Buffer) => createHash('md5').update(buf).digest('hex');

type MigrationRequest = Omit<MigrationInputRequest, 'account'> & { account?: string };

/** A Temporal client, an in-process worker for one sandbox, and the test's MinIO client. */
export async function startMigrationHarness(
  sandbox: RunningSandbox,
  overrides: Parameters<typeof workerConfigFor>[1] = {},
  opts: { inProcessWorker?: boolean } = {},
) {
  const { minio } = testStack();
  const config = workerConfigFor(sandbox, overrides);
  // A test may bring a Temporal server of its own (to restart it, or behind TLS) through the TEMPORAL_* overrides.
  let stopWorker = async () => undefined as void;
  const startWorker = async () => {
    const nativeConnection = await NativeConnection.connect(temporalConnectionOptions(config));
    const { worker } = await createMigrationWorker(config, {
      connection: nativeConnection,
      workflowBundle: await workflowBundle(),
    });
    const running = worker.run();
    stopWorker = async () => {
      worker.shutdown();
      await running;
      await nativeConnection.close();
    };
  };
  if (opts.inProcessWorker ?? true) await startWorker();
  const { client, close: closeClient } = await connectTemporalClient(config);
  const s3 = minioClient(minio);
  // The sandbox's account, started here or through an API in front of this harness, and any other asked for.
  const accounts = new Set<string>([sandbox.library.nickname]);
  /** Starts a migration as every client does, through the account's desk (client/start-migration.ts). */
  const start = async (request: MigrationRequest) => {
    // Previews off unless a test asks: they have a test of their own (previews.test.ts), and the
    // other tests count the library's files by their extension.
    const input = MigrationInput.parse({
      account: sandbox.library.nickname,
      ...request,
      target: { previews: false, ...request.target },
    });
    accounts.add(input.account);
    const { id } = await startMigration(client, config.TEMPORAL_TASK_QUEUE, input);
    return migrationHandle(client, id);
  };
  /**
   * The desks of this harness's accounts run on its task queue and idle a minute before closing:
   * ended with it, so the next harness's start (another queue, same account) starts a desk of its own.
   */
  const closeDesks = async () => {
    for (const account of accounts)
      await client.workflow
        .getHandle(accountDeskWorkflowId(account))
        .terminate('the test harness stops')
        .catch((err: unknown) => {
          if (!(err instanceof WorkflowNotFoundError) && !/not found|already completed/i.test(String(err))) throw err;
        });
  };
  return {
    config,
    client,
    s3,
    start,
    /** Stops the in-process worker only: the client and S3 stay, as when every worker of a deployment is down. */
    async stopWorker() {
      await stopWorker();
      stopWorker = async () => undefined;
    },
    /** Stops the in-process worker and starts another on the same task queue: a worker restart. */
    async restartWorker() {
      await stopWorker();
      await startWorker();
    },
    run: async (request: MigrationRequest): Promise<MigrationResult> => (await start(request)).result(),
    async stop() {
      await closeDesks();
      await stopWorker();
      await closeClient();
      s3.destroy();
    },
  };
}
