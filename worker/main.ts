import { Runtime } from '@temporalio/worker';
import cluster from 'node:cluster';
import { loadWorkerConfig } from './config';
import { createRedactor, secretsIn } from '../config/redact';
import { createMigrationWorker } from './create-worker';
import { jsonLogger } from './json-logger';

/**
 * A worker process that dies after running this long is started again, as a process manager would;
 * one that dies sooner failed at start (configuration, connection), and all of them stop.
 */
const RESTART_AFTER_RUNNING_MS = 30_000;

/**
 * With WORKER_PROCESSES above 1, this process only starts and watches that many worker processes:
 * it passes SIGINT/SIGTERM on, starts again one that died while running, and exits when all have
 * stopped. Process i serves its metrics on WORKER_METRICS_ADDRESS's port + i.
 */
function superviseWorkers(processes: number, log: (msg: string) => void) {
  let stopping = false;
  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const child of Object.values(cluster.workers ?? {})) child?.kill(signal);
  };
  const start = (index: number) => {
    const startedAt = Date.now();
    cluster.fork({ WORKER_PROCESS_INDEX: String(index) }).on('exit', (code, signal) => {
      if (stopping) return;
      const how = signal ?? `code ${code}`;
      if (Date.now() - startedAt < RESTART_AFTER_RUNNING_MS) {
        log(`Worker process ${index} failed at start (${how}); stopping the others`);
        process.exitCode = code || 1;
        return stopAll('SIGTERM');
      }
      log(`Worker process ${index} exited (${how}); starting it again`);
      start(index);
    });
  };
  for (let i = 0; i < processes; i++) start(i);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopAll(signal));
}

/** The metrics address of worker process `index`: the configured port + index. */
function metricsAddressOf(address: string | undefined, index: number): string | undefined {
  if (!address || index === 0) return address;
  const [host, port] = address.split(/:(?=\d+$)/);
  return `${host}:${Number(port) + index}`;
}

/**
 * `npm run worker`: polls the migration task queue until SIGINT/SIGTERM, in WORKER_PROCESSES
 * processes (one per two cores unless set). Configuration: environment only. Logs are JSON lines,
 * redacted; with WORKER_METRICS_ADDRESS set, Prometheus metrics (the SDK's and the migration's own)
 * are served at http://<address>/metrics.
 */
async function main() {
  const config = loadWorkerConfig();
  if (cluster.isPrimary && config.WORKER_PROCESSES > 1) {
    const logger = jsonLogger(secretsIn({ ...process.env, ...config }));
    logger.info(`Starting ${config.WORKER_PROCESSES} worker processes`);
    return superviseWorkers(config.WORKER_PROCESSES, (msg) => logger.warn(msg));
  }
  config.WORKER_METRICS_ADDRESS = metricsAddressOf(
    config.WORKER_METRICS_ADDRESS,
    Number(process.env.WORKER_PROCESS_INDEX ?? 0),
  );
  // The configuration may come from the credentials file as well as the environment.
  const logger = jsonLogger(secretsIn({ ...process.env, ...config }));
  Runtime.install({
    logger,
    telemetryOptions: {
      metrics: config.WORKER_METRICS_ADDRESS
        ? { prometheus: { bindAddress: config.WORKER_METRICS_ADDRESS, countersTotalSuffix: true } }
        : undefined,
      logging: { forward: {}, filter: { core: 'WARN', other: 'WARN' } },
    },
  });
  // A bundle made ahead of time (npm run build:workflows) spares the worker webpack at start.
  const bundlePath = process.env.WORKFLOW_BUNDLE_PATH;
  const { worker, connection } = await createMigrationWorker(
    config,
    bundlePath ? { workflowBundle: { codePath: bundlePath } } : {},
  );
  logger.info(
    `Worker polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${config.TEMPORAL_ADDRESS} (namespace ${config.TEMPORAL_NAMESPACE})`,
    {
      metrics: config.WORKER_METRICS_ADDRESS ? `http://${config.WORKER_METRICS_ADDRESS}/metrics` : undefined,
    },
  );
  try {
    await worker.run();
  } finally {
    await connection.close();
    // A supervised process's channel to its supervisor would keep it alive.
    if (cluster.isWorker) process.disconnect();
  }
}

main().catch((err: unknown) => {
  const redact = createRedactor(secretsIn(process.env));
  console.error(
    JSON.stringify({
      time: new Date().toISOString(),
      level: 'error',
      msg: redact(err instanceof Error ? err.message : String(err)),
    }),
  );
  process.exit(1);
});
