import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { explainConnectionFailure, temporalConnectionOptions } from '../config/temporal';
import { encryptedDataConverter } from '../encryption/data-converter';
import { createS3Client } from '../s3/client';
import { ReplicaClients } from '../s3/replicas';
import { storedS3Access } from '../s3/stored-access';
import { CredentialStore } from '../config/credential-store';
import { SmugMugAccounts } from '../smugmug/accounts';
import { ByteBudget } from '../transfer/byte-budget';
import { Md5Thread } from '../transfer/md5-thread';
import { fileSlotsFor } from '../transfer/settings';
import { applyAccountRateLimit } from './account-rate-limit';
import type { WorkerConfig } from './config';
import { failurePolicyInterceptor } from './failure-policy';

/** A worker running the migration workflows and activities, with clients built from `config`. */
export async function createMigrationWorker(
  config: WorkerConfig,
  opts: { connection?: NativeConnection; workflowBundle?: WorkerOptions['workflowBundle'] } = {},
) {
  const options = temporalConnectionOptions(config);
  const connection =
    opts.connection ?? (await NativeConnection.connect(options).catch(explainConnectionFailure(options)));
  const dataConverter = encryptedDataConverter(config.PAYLOAD_ENCRYPTION_KEYS);
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  await applyAccountRateLimit(temporal, config);
  // The credentials the web app keeps: each account's SmugMug token and the S3 access, read when needed.
  const store = config.CREDENTIALS_STORE ? new CredentialStore(config.CREDENTIALS_STORE) : undefined;
  const fileSlots = fileSlotsFor(config);
  const activities = createActivities({
    config,
    // SmugMug's 429s tell the file slots to take fewer at once.
    smugmug: new SmugMugAccounts(config, store, () => fileSlots.congested()),
    s3: createS3Client(config, store ? storedS3Access(store, config) : {}),
    replicas: new ReplicaClients(config.S3_REPLICAS),
    memory: new ByteBudget(config.MEMORY_BUDGET_MB * 2 ** 20),
    fileSlots,
    md5Thread: new Md5Thread(),
    temporal,
  });
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    ...(opts.workflowBundle
      ? { workflowBundle: opts.workflowBundle }
      : { workflowsPath: require.resolve('../workflows') }),
    activities,
    // Outages retry as long as they last, other failures a bounded number of times (failure-policy.ts).
    interceptors: { activity: [failurePolicyInterceptor] },
    dataConverter,
    // Cached workflows live in the worker's heap; a bound keeps a long migration from growing it.
    maxCachedWorkflows: 500,
    // In-flight transfers get a moment to checkpoint when the worker is asked to stop.
    shutdownGraceTime: '10s',
  });
  return { worker, connection };
}
