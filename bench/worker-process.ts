import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { WorkerConfig, workerConfigEnv } from '../worker/config';
import type { LocalStack } from '../local-stack/stack';
import { projectRoot } from '../local-stack/paths';
import type { RunningSandbox } from '../smugmug-sandbox/server';
import { WORKER_MALLOC_ENV, WORKER_NODE_FLAGS } from '../worker/node-flags';

/** A worker's environment for the bench: the sandbox's read token, the stack's MinIO and Temporal. */
export function benchWorkerEnv(
  stack: LocalStack,
  sandbox: RunningSandbox,
  taskQueue: string,
  workflowBundle: string,
): Record<string, string> {
  const c = sandbox.credentials;
  // Tuning variables of the bench's own environment (MEMORY_BUDGET_MB, PART_CONCURRENCY…) reach the worker.
  const config = WorkerConfig.parse({
    ...process.env,
    SMUGMUG_API_BASE_URL: sandbox.url,
    SMUGMUG_API_KEY: c.consumerKey,
    SMUGMUG_API_SECRET: c.consumerSecret,
    SMUGMUG_ACCESS_TOKEN: c.fullRead.token,
    SMUGMUG_ACCESS_TOKEN_SECRET: c.fullRead.secret,
    AWS_REGION: stack.minio.region,
    AWS_ENDPOINT_URL_S3: stack.minio.endpoint,
    TEMPORAL_ADDRESS: stack.temporal.address,
    TEMPORAL_TASK_QUEUE: taskQueue,
    PAYLOAD_ENCRYPTION_KEYS: stack.payloadKeys,
  });
  return {
    ...workerConfigEnv(config),
    AWS_ACCESS_KEY_ID: stack.minio.accessKeyId,
    AWS_SECRET_ACCESS_KEY: stack.minio.secretAccessKey,
    WORKFLOW_BUNDLE_PATH: workflowBundle,
  };
}

async function statusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const kB = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return Number((kB / 1024).toFixed(1));
}

/** The bench worker's Node.js flags: production's, or BENCH_WORKER_NODE_FLAGS (space-separated) to try others. */
const benchWorkerNodeFlags = () =>
  process.env.BENCH_WORKER_NODE_FLAGS?.split(' ').filter(Boolean) ?? [...WORKER_NODE_FLAGS];

/** One worker process as it runs in production (compiled `dist/worker/main.js`), polling once this resolves. */
export async function startWorkerProcess(env: Record<string, string>) {
  // BENCH_CPU_PROFILE_DIR: a V8 CPU profile of each worker, written when it stops, to see where its time goes.
  const profile = process.env.BENCH_CPU_PROFILE_DIR
    ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROFILE_DIR]
    : [];
  const child: ChildProcess = spawn(process.execPath, [...benchWorkerNodeFlags(), ...profile, 'dist/worker/main.js'], {
    cwd: projectRoot,
    env: { ...process.env, ...WORKER_MALLOC_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20_000)));
  for (
    const deadline = Date.now() + 60_000;
    !log.includes('Worker polling');
    await new Promise((r) => setTimeout(r, 100))
  ) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`The bench worker did not start:\n${log.slice(-2000)}`);
  }
  const exited = once(child, 'exit');
  return {
    pid: child.pid!,
    /** The process's peak resident memory so far (VmHWM), in MiB. */
    peakRssMiB: () => statusMiB(child.pid!, 'VmHWM'),
    /** Its resident memory now (VmRSS), in MiB. */
    rssMiB: () => statusMiB(child.pid!, 'VmRSS'),
    /** Dies at once, mid-work, as on a crashed machine. */
    async kill(): Promise<void> {
      child.kill('SIGKILL');
      await exited;
    },
    async stop(): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
export type WorkerProcess = Awaited<ReturnType<typeof startWorkerProcess>>;
