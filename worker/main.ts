import { loadWorkerConfig } from '../activities/config';
import { createMigrationWorker } from './create-worker';

/** `npm run worker`: polls the migration task queue until SIGINT/SIGTERM. Configuration: environment only. */
async function main() {
  const config = loadWorkerConfig();
  // A bundle made ahead of time (npm run build:workflows) spares the worker webpack at start.
  const bundlePath = process.env.WORKFLOW_BUNDLE_PATH;
  const { worker, connection } = await createMigrationWorker(config, bundlePath ? { workflowBundle: { codePath: bundlePath } } : {});
  console.log(`Worker polling task queue "${config.TEMPORAL_TASK_QUEUE}" on ${config.TEMPORAL_ADDRESS} (namespace ${config.TEMPORAL_NAMESPACE})`);
  try {
    await worker.run();
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
