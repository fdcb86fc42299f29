import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectTemporalClient } from '../client/connection';
import { TemporalSettings } from '../config/temporal';
import { projectRoot } from '../local-stack/paths';
import { type LocalStack, startLocalStackOnFreePorts } from '../local-stack/stack';
import { writeWorkflowBundle } from '../worker/bundle-workflows';

/** A Temporal client of the bench's stack, as the service's clients connect (its namespace, its payload keys). */
export function benchTemporalClient(stack: LocalStack) {
  return connectTemporalClient({
    ...TemporalSettings.parse({
      TEMPORAL_ADDRESS: stack.temporal.address,
      TEMPORAL_NAMESPACE: stack.temporal.namespace,
    }),
    PAYLOAD_ENCRYPTION_KEYS: stack.payloadKeys,
  });
}

/**
 * A private local stack (Temporal, MinIO) on free ports and a data folder of its own, the compiled
 * worker (`npm run build` → dist/) and a workflow bundle made ahead of time, as production workers
 * run: neither a TypeScript loader nor webpack is part of what is measured.
 */
export async function startBenchStack(log: (line: string) => void) {
  log('compiling the service (npm run build)');
  await promisify(execFile)(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: projectRoot,
  });
  const dataDir = await mkdtemp(join(process.env.BENCH_DATA_DIR ?? tmpdir(), 'smugmug-s3-bench-'));
  const stack = await startLocalStackOnFreePorts({ dataDir, bucket: 'bench', installTools: true, log });
  const workflowBundle = join(dataDir, 'workflow-bundle.js');
  await writeWorkflowBundle(workflowBundle);
  return {
    dataDir,
    stack,
    workflowBundle,
    async stop() {
      await stack.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
