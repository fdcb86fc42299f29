import { Connection } from '@temporalio/client';
import { grpc } from '@temporalio/proto';
import { ensureSearchAttributes } from '../worker/temporal-setup';
import { SEARCH_ATTRIBUTES } from '../common/search-attributes';
import { type ServerProcess, spawnServer, waitUntilReady } from './processes';

export interface TemporalDevServer {
  address: string;
  namespace: string;
  /** The web UI, unless started headless. */
  uiUrl?: string;
  process: ServerProcess;
}

/**
 * Server settings the service needs beyond Temporal's defaults, for the dev server here and in
 * `config/temporal-dynamic-config.yaml` for a cluster (docker-compose.yml mounts it; a unit test keeps
 * the two equal).
 */
export const SERVER_DYNAMIC_CONFIG = {
  'frontend.enableUpdateWorkflowExecution': true,
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted': true,
  // Update-with-start: how every client reaches the account's desk (one migration per account).
  'frontend.enableExecuteMultiOperation': true,
  // Fairness keys and their rate limits: one SmugMug account's share over all workers (common/account-priority.ts).
  'matching.enableFairness': true,
} as const;

export async function startTemporalDevServer(opts: {
  binary: string;
  port: number;
  uiPort?: number;
  dbFile?: string;
  logFile: string;
  namespace?: string;
  /** More namespaces to create, each with the project's search attributes (tests that must not see each other's runs). */
  extraNamespaces?: string[];
  codecEndpoint?: string;
}): Promise<TemporalDevServer> {
  const namespace = opts.namespace ?? 'default';
  const address = `127.0.0.1:${opts.port}`;
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    ...[namespace, ...(opts.extraNamespaces ?? [])].flatMap((n) => ['--namespace', n]),
    '--log-level',
    'warn',
    '--log-format',
    'json',
    ...(opts.uiPort ? ['--ui-ip', '127.0.0.1', '--ui-port', String(opts.uiPort)] : ['--headless']),
    ...(opts.dbFile ? ['--db-filename', opts.dbFile] : []),
    ...(opts.uiPort && opts.codecEndpoint ? ['--ui-codec-endpoint', opts.codecEndpoint] : []),
    ...SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${key.type}`]),
    ...Object.entries(SERVER_DYNAMIC_CONFIG).flatMap(([key, value]) => ['--dynamic-config-value', `${key}=${value}`]),
  ];
  const proc = await spawnServer('Temporal dev server', opts.binary, args, { logFile: opts.logFile });
  let connection: Connection | undefined;
  try {
    await waitUntilReady(
      proc,
      async () => {
        connection ??= await Connection.connect({ address, connectTimeout: 1000 });
        const health = await connection.healthService.check({});
        return health.status === grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING;
      },
      60_000,
    );
    for (const n of [namespace, ...(opts.extraNamespaces ?? [])]) await ensureSearchAttributes(connection!, n);
  } catch (err) {
    await proc.stop();
    throw err;
  } finally {
    await connection?.close();
  }
  return { address, namespace, uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined, process: proc };
}
