import { Runtime } from '@temporalio/worker';
import { loadWorkerConfig } from '../activities/config';
import { createRedactor, secretsIn } from '../config/redact';
import { createMigrationWorker } from './create-worker';
import { jsonLogger } from './json-logger';

/**
 * `npm run worker`: polls the migration task queue until SIGINT/SIGTERM. Configuration: environment
 * only. Logs are JSON lines, redacted; with WORKER_METRICS_ADDRESS set, Prometheus metrics (the
 * SDK's and the migration's own) are served at http://<address>/metrics.
 */
async function main() {
  const config = loadWorkerConfig();
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
