import { Client, Connection } from '@temporalio/client';
import cliProgress from 'cli-progress';
import { parseArgs } from 'node:util';
import { WorkerConfig } from '../activities/config';
import { accountWorkflowId } from '../common/ids';
import { MigrationInput } from '../common/migration-input';
import type { MigrationProgress } from '../common/migration-types';
import { accountMigration } from '../workflows/account-migration';
import { albumProgress, migrationProgress } from '../workflows/messages';
import { MigrationStatus, SmugMugAccount } from '../workflows/search-attributes';
import { createMigrationWorker } from '../worker/create-worker';
import { localStackDataDir } from './paths';
import { describeStack, type LocalStack, portsFromEnv, startLocalStack, stopOnSignals } from './stack';

const MB = 2 ** 20;

/** Live progress: one bar for the albums, one per album in flight, until the run ends. */
async function watch(client: Client, workflowId: string, done: Promise<unknown>): Promise<void> {
  const bars = new cliProgress.MultiBar(
    { format: '{label} |{bar}| {value}/{total} {unit} {extra}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 3000, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const albumsBar = bars.create(1, 0, { label: 'Albums'.padEnd(28), unit: 'albums', extra: '' });
  const albumBars = new Map<string, cliProgress.SingleBar>();
  const handle = client.workflow.getHandle(workflowId);
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    const progress: MigrationProgress | undefined = await handle.query(migrationProgress).catch(() => undefined);
    if (progress) {
      const c = progress.counts;
      albumsBar.setTotal(Math.max(1, c.albumsTotal));
      albumsBar.update(c.albumsDone + c.albumsFailed, { extra: `${progress.phase}; ${c.transferredFiles} files / ${(c.transferredBytes / MB).toFixed(1)} MB copied, ${c.alreadyPresent} already there, ${c.albumsFailed} failed` });
      for (const id of progress.inFlight) {
        const album = await client.workflow.getHandle(id).query(albumProgress).catch(() => undefined);
        if (!album) continue;
        const bar = albumBars.get(id) ?? bars.create(1, 0, { label: `  ${id.split('/album-')[1]}`.padEnd(28), unit: 'files', extra: '' });
        albumBars.set(id, bar);
        bar.setTotal(Math.max(1, album.files));
        bar.update(album.doneFiles, { extra: `${album.phase} ${(album.doneBytes / MB).toFixed(1)}/${(album.bytes / MB).toFixed(1)} MB` });
      }
      for (const [id, bar] of albumBars) {
        if (!progress.inFlight.includes(id)) {
          bars.remove(bar);
          albumBars.delete(id);
        }
      }
    }
    await Promise.race([done, new Promise((r) => setTimeout(r, 500))]).catch(() => undefined);
  }
  bars.stop();
}

/**
 * `npm run demo`: the local stack, a worker, and a migration of the sandbox's library into MinIO
 * with live progress. Stays up to explore until Ctrl-C; with --once (or CI=true) it exits, 0 only
 * if every file was copied and verified.
 */
async function main() {
  const { values } = parseArgs({ options: { once: { type: 'boolean' } } });
  const once = values.once || process.env.CI === 'true';
  const dataDir = localStackDataDir();
  const stack: LocalStack = await startLocalStack({ dataDir, ports: portsFromEnv(), installTools: true, log: console.log });
  console.log(`\nLocal stack is up (data in ${dataDir}).\n\n${describeStack(stack)}`);

  // The demo's worker reads MinIO's keys where a real worker reads AWS's: its environment.
  process.env.AWS_ACCESS_KEY_ID = stack.minio.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = stack.minio.secretAccessKey;
  const c = stack.sandbox.credentials;
  const config = WorkerConfig.parse({
    SMUGMUG_API_BASE_URL: stack.sandbox.url, SMUGMUG_API_KEY: c.consumerKey, SMUGMUG_API_SECRET: c.consumerSecret,
    SMUGMUG_ACCESS_TOKEN: c.fullModify.token, SMUGMUG_ACCESS_TOKEN_SECRET: c.fullModify.secret,
    AWS_REGION: stack.minio.region, AWS_ENDPOINT_URL_S3: stack.minio.endpoint, TEMPORAL_ADDRESS: stack.temporal.address,
  });
  console.log('Starting the worker (bundling the workflow code takes a few seconds)...');
  const { worker, connection: workerConnection } = await createMigrationWorker(config);
  const workerRunning = worker.run();

  const connection = await Connection.connect({ address: stack.temporal.address });
  const client = new Client({ connection, namespace: stack.temporal.namespace });
  const migrationId = `demo-${new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14)}`;
  const input = MigrationInput.parse({ migrationId, account: stack.sandbox.library.nickname, target: { bucket: stack.minio.bucket, prefix: 'smugmug' } });
  const workflowId = accountWorkflowId(input.account, migrationId);
  const handle = await client.workflow.start(accountMigration, {
    taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId, args: [input],
    typedSearchAttributes: [{ key: SmugMugAccount, value: input.account }, { key: MigrationStatus, value: 'running' }],
    staticSummary: `Demo: migrate ${input.account} into s3://${input.target.bucket}/${input.target.prefix}`,
  });
  const uiLink = `${stack.temporal.uiUrl}/namespaces/${stack.temporal.namespace}/workflows/${encodeURIComponent(workflowId)}`;
  console.log(`\nMigrating ${input.account} into s3://${input.target.bucket}/${input.target.prefix}/ — watch it in the Temporal UI:\n  ${uiLink}\n`);

  const result = handle.result();
  await watch(client, workflowId, result);
  let success = false;
  try {
    const r = await result;
    const k = r.counts;
    success = r.phase === 'completed' && k.albumsFailed === 0 && k.verified === k.files;
    console.log(`
${success ? 'Migration verified.' : 'Migration finished with problems.'} (${r.phase})
  albums   ${k.albumsDone} done, ${k.albumsFailed} failed of ${k.albumsTotal}
  files    ${k.files} planned: ${k.transferredFiles} copied (${(k.transferredBytes / MB).toFixed(1)} MB), ${k.alreadyPresent} already in the bucket, ${k.verified} verified
  skipped  ${k.unavailable} items SmugMug offers no bytes for (processing, failed videos): listed in each album.json
  bucket   versioning ${r.bucket?.versioning}, encryption ${r.bucket?.encryption}
  run      ${uiLink}`);
  } catch (err) {
    console.error(`Migration failed: ${(err as Error & { cause?: Error }).cause?.message ?? (err as Error).message}`);
  }

  if (once) {
    worker.shutdown();
    await workerRunning;
    await workerConnection.close();
    await connection.close();
    await stack.stop();
    process.exit(success ? 0 : 1);
  }
  console.log('\nThe stack stays up to explore (Temporal UI, MinIO console). Ctrl-C stops everything.');
  stopOnSignals({
    stop: async () => {
      worker.shutdown();
      await workerRunning;
      await stack.stop();
    },
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
