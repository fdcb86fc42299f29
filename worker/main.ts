import { loadWorkerConfig } from '../activities/config';
import { createMigrationWorker } from './create-worker';

/** `npm run worker`: polls the migration task queue until SIGINT/SIGTERM. Configuration: environment only. */
async function main() {
  const config = loadWorkerConfig();
  const { worker, connection } = await createMigrationWorker(config);
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
