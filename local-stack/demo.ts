import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WorkerConfig } from '../worker/config';
import { ServerConfig } from '../server/config';
import { startHttpServer } from '../server/server';
import { ApiClient } from '../cli/api-client';
import { watchMigration } from '../cli/progress-display';
import { createMigrationWorker } from '../worker/create-worker';
import { localStackDataDir } from './paths';
import { describeStack, type LocalStack, portsFromEnv, startLocalStack, stopOnSignals } from './stack';

const MB = 2 ** 20;

/**
 * `npm run demo`: the local stack, a worker, the HTTP API, and a migration of the sandbox's library
 * into MinIO started through the API and watched with the CLI's progress display. Stays up to
 * explore until Ctrl-C; with --once (or CI=true) it exits, 0 only if every file was verified.
 */
async function main() {
  const { values } = parseArgs({ options: { once: { type: 'boolean' } } });
  const once = values.once || process.env.CI === 'true';
  const dataDir = localStackDataDir();
  const stack: LocalStack = await startLocalStack({
    dataDir,
    ports: portsFromEnv(),
    installTools: true,
    log: console.log,
    // The UI decodes encrypted payloads through the API (npm run api, or the demo's own), where the key is.
    codecEndpoint: `http://127.0.0.1:${process.env.API_PORT ?? '8080'}/codec`,
  });
  console.log(`\nLocal stack is up (data in ${dataDir}).\n\n${describeStack(stack)}`);

  // The demo's worker reads MinIO's keys where a real worker reads AWS's: its environment.
  process.env.AWS_ACCESS_KEY_ID = stack.minio.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = stack.minio.secretAccessKey;
  const c = stack.sandbox.credentials;
  const config = WorkerConfig.parse({
    SMUGMUG_API_BASE_URL: stack.sandbox.url,
    SMUGMUG_API_KEY: c.consumerKey,
    SMUGMUG_API_SECRET: c.consumerSecret,
    SMUGMUG_ACCESS_TOKEN: c.fullModify.token,
    SMUGMUG_ACCESS_TOKEN_SECRET: c.fullModify.secret,
    AWS_REGION: stack.minio.region,
    AWS_ENDPOINT_URL_S3: stack.minio.endpoint,
    TEMPORAL_ADDRESS: stack.temporal.address,
    PAYLOAD_ENCRYPTION_KEYS: stack.payloadKeys,
    CREDENTIALS_STORE: join(dataDir, 'credentials.enc'),
  });
  console.log('Starting the worker (bundling the workflow code takes a few seconds)...');
  const { worker, connection: workerConnection } = await createMigrationWorker(config);
  const workerRunning = worker.run();

  const api = await startHttpServer(
    ServerConfig.parse({
      API_AUTH: 'local-demo',
      API_PORT: process.env.API_PORT ?? '8080',
      TEMPORAL_ADDRESS: stack.temporal.address,
      TEMPORAL_NAMESPACE: stack.temporal.namespace,
      TEMPORAL_UI_URL: stack.temporal.uiUrl,
      PAYLOAD_ENCRYPTION_KEYS: stack.payloadKeys,
      AWS_REGION: stack.minio.region,
      AWS_ENDPOINT_URL_S3: stack.minio.endpoint,
      // Setup's Connect authorizes the sandbox's app; its tokens land beside the stack's data.
      SMUGMUG_API_BASE_URL: stack.sandbox.url,
      SMUGMUG_API_KEY: c.consumerKey,
      SMUGMUG_API_SECRET: c.consumerSecret,
      // The worker's own account shows in Setup as the environment's.
      SMUGMUG_ACCESS_TOKEN: c.fullModify.token,
      SMUGMUG_ACCESS_TOKEN_SECRET: c.fullModify.secret,
      CREDENTIALS_STORE: join(dataDir, 'credentials.enc'),
    }),
    () => undefined,
  );
  console.log(`\nWeb app: ${api.url}/app  (watch, review and approve in your browser)\n`);
  console.log(`HTTP API on ${api.url} (docs ${api.url}/docs; local demo: no token)`);

  // The demo uses the service as a person would: the HTTP API to start, the CLI's display to watch.
  const client = new ApiClient(api.url, undefined);
  const started = await client.call<{ id: string; uiUrl: string }>('POST', '/v1/migrations', {
    account: stack.sandbox.library.nickname,
    migrationId: `demo-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`,
    target: { bucket: stack.minio.bucket, prefix: 'smugmug' },
  });
  console.log(
    `\nMigrating ${stack.sandbox.library.nickname} into s3://${stack.minio.bucket}/smugmug/ — watch it in the Temporal UI:\n  ${started.uiUrl}\n`,
  );
  const s = await watchMigration(client, started.id, { output: process.stdout });
  const k = s.counts;
  const success =
    s.status === 'COMPLETED' && s.phase === 'completed' && !!k && k.albumsFailed === 0 && k.verified === k.files;
  if (k) {
    console.log(`
${success ? 'Migration verified.' : 'Migration finished with problems.'} (${s.status}, ${s.phase})
  albums   ${k.albumsDone} done, ${k.albumsFailed} failed of ${k.albumsTotal}
  files    ${k.files} planned: ${k.transferredFiles} copied (${(k.transferredBytes / MB).toFixed(1)} MB), ${k.alreadyPresent} already in the bucket, ${k.verified} verified
  skipped  ${k.unavailable} items SmugMug offers no bytes for (processing, failed videos): listed in each album.json
  bucket   versioning ${s.bucket?.versioning}, encryption ${s.bucket?.encryption}
  run      ${started.uiUrl}`);
  } else console.error(`Migration ${started.id} ended ${s.status}: see ${started.uiUrl}`);

  const stopAll = async () => {
    await api.close();
    worker.shutdown();
    await workerRunning;
    await workerConnection.close();
    await stack.stop();
  };
  if (once) {
    await stopAll();
    process.exit(success ? 0 : 1);
  }
  console.log('\nThe stack stays up to explore (Temporal UI, MinIO console). Ctrl-C stops everything.');
  stopOnSignals({ stop: stopAll });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
