import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { PayloadEncryptionKeys } from '../encryption/payload-codec';

/** The worker's configuration, from its environment only: credentials never pass through workflows. */
export const WorkerConfig = z.object({
  SMUGMUG_API_BASE_URL: z.url().default('https://api.smugmug.com'),
  SMUGMUG_API_KEY: z.string().min(1, 'SMUGMUG_API_KEY is required (your SmugMug API key)'),
  SMUGMUG_API_SECRET: z.string().min(1, 'SMUGMUG_API_SECRET is required'),
  SMUGMUG_ACCESS_TOKEN: z.string().min(1, 'SMUGMUG_ACCESS_TOKEN is required (run the OAuth PIN flow to get one)'),
  SMUGMUG_ACCESS_TOKEN_SECRET: z.string().min(1, 'SMUGMUG_ACCESS_TOKEN_SECRET is required'),
  AWS_REGION: z.string().default('us-east-1'),
  /** An S3-compatible endpoint such as MinIO; unset for AWS. */
  AWS_ENDPOINT_URL_S3: z.url().optional(),
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('smugmug-s3'),
  /** AES-256 keys of the payload codec (encryption/payload-codec.ts): workflow data is encrypted before Temporal sees it. */
  PAYLOAD_ENCRYPTION_KEYS: PayloadEncryptionKeys,
  /** Files above this go through a resumable multipart upload, one per activity. */
  LARGE_FILE_THRESHOLD_MB: z.coerce.number().positive().default(16),
  PART_SIZE_MB: z.coerce.number().min(5).default(16),
  /** Parts of one large file sent at once while the next is read. */
  PART_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(4),
  /** Files of one small-file batch copied at once. */
  FILE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  BATCH_MAX_FILES: z.coerce.number().int().min(1).default(100),
  BATCH_MAX_MB: z.coerce.number().positive().default(256),
  /** host:port of the worker's Prometheus endpoint (/metrics); unset: no metrics served. */
  WORKER_METRICS_ADDRESS: z.string().regex(/^[^\s:]+:\d+$/, 'host:port').optional(),
  /** Bytes of file data this worker holds in memory at once, over all its transfers. */
  MEMORY_BUDGET_MB: z.coerce.number().min(16).default(96),
});
export type WorkerConfig = z.infer<typeof WorkerConfig>;

/** Where `smugmug-s3 login` stores the SmugMug tokens and the worker looks for them. */
export function credentialsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.SMUGMUG_CREDENTIALS_FILE ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'smugmug-s3', 'smugmug.env');
}

/** KEY=VALUE lines of the credentials file, if there is one; the environment wins over it. */
function credentialsFromFile(env: NodeJS.ProcessEnv): Record<string, string> {
  const path = credentialsFilePath(env);
  if (!existsSync(path)) return {};
  return Object.fromEntries(
    readFileSync(path, 'utf8').split('\n').map((line) => /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line)).filter((m) => m !== null).map((m) => [m[1], m[2]]),
  );
}

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const parsed = WorkerConfig.safeParse({ ...credentialsFromFile(env), ...env });
  if (!parsed.success) {
    throw new Error(`Worker configuration is incomplete:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return parsed.data;
}
