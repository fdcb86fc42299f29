import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { AuditSettings } from '../common/audit';
import { loadSettings } from '../config/load';
import { PayloadKeySettings } from '../config/payload-keys';
import { TemporalSettings, withTemporalProfile } from '../config/temporal';
import { BatchChecksumSettings } from '../s3/batch-checksum';
import { S3Settings } from '../s3/client';
import { ReplicaSettings } from '../config/replicas';
import { existsSync } from 'node:fs';
import { credentialStorePath, CredentialStoreSettings } from '../config/credential-store';
import { credentialsFromFile, SmugMugEnvSettings, SmugMugSettings } from '../smugmug/credentials';
import { TransferSettings } from '../transfer/settings';

/**
 * One worker process per two cores: a busy process keeps about two busy, its JavaScript thread
 * (sockets, the SDKs, Temporal) and its MD5 thread, so more processes than that only compete.
 */
export function defaultWorkerProcesses(cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2));
}

/** The worker's configuration, from its environment only: credentials never pass through workflows. */
export const WorkerConfig = z.object({
  ...SmugMugEnvSettings.shape,
  ...CredentialStoreSettings.shape,
  ...S3Settings.shape,
  ...ReplicaSettings.shape,
  ...TemporalSettings.shape,
  ...PayloadKeySettings.shape,
  ...TransferSettings.shape,
  ...AuditSettings.shape,
  ...BatchChecksumSettings.shape,
  /** host:port of the worker's Prometheus endpoint (/metrics); unset: no metrics served. */
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'host:port')
    .optional(),
  /**
   * Activities one SmugMug account may start per second, over all workers together: SmugMug limits
   * requests per user and application, whatever the number of workers. The worker sets it at start
   * as the task queue's per-fairness-key rate limit (Temporal's matching enforces it; every run of an
   * account carries its nickname as fairness key). Unset: the queue's own setting stays as it is.
   */
  SMUGMUG_ACCOUNT_ACTIVITIES_PER_SECOND: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number().positive().max(10_000).optional(),
  ),
  /** Worker processes `npm run worker` starts on this machine, each with its own memory budget. */
  WORKER_PROCESSES: z.coerce.number().int().min(1).max(64).default(defaultWorkerProcesses()),
});
export type WorkerConfig = z.infer<typeof WorkerConfig>;

/**
 * A configuration as a worker process reads it from its environment, for starting one: every
 * setting as text, the replica connections as their JSON.
 */
export function workerConfigEnv(config: WorkerConfig): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)]),
  );
}

/**
 * The worker's configuration. Its SmugMug app and token come from its environment (or the login
 * file), or from the credential store the web app writes: a worker given neither (no CREDENTIALS_STORE,
 * no store at its default place) says at its start what is missing, as before there was a store.
 */
export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const store = credentialStorePath(env);
  const values = withTemporalProfile({ ...credentialsFromFile(env), ...env, CREDENTIALS_STORE: store });
  if (!env.CREDENTIALS_STORE && !existsSync(store)) loadSettings(SmugMugSettings, values, 'Worker');
  return loadSettings(WorkerConfig, values, 'Worker');
}
