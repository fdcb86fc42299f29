import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './paths';
import { type ServerProcess, spawnServer, waitUntilReady } from './processes';
import { keptSecret } from '../config/kept-secret';
import { localPayloadKeys, stopOnSignals } from './stack';
import { startTemporalDevServer } from './temporal-server';
import { resolveTool } from './tools';
import { WORKER_MALLOC_ENV, WORKER_NODE_FLAGS } from '../worker/node-flags';

/** Where `npm start` keeps what must outlive it: Temporal's SQLite file, the keys, the logs. */
export function serviceDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SMUGMUG_S3_DATA_DIR ?? join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'smugmug-s3');
}

/** Ports on 127.0.0.1, each overridable: the web app and API, Temporal, its UI. */
const PORTS = { API_PORT: 8080, TEMPORAL_PORT: 7233, TEMPORAL_UI_PORT: 8233 } as const;

/** How long the API may take to answer after its start (it loads the SDK and connects to Temporal). */
const API_READY_MS = 60_000;

function portOf(name: keyof typeof PORTS): number {
  const value = process.env[name];
  if (value === undefined) return PORTS[name];
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535)
    throw new Error(`${name}=${value} is not a port number (1-65535)`);
  return Number(value);
}

/**
 * `npm start`: the service for real use on one machine. The embedded Temporal server (its SQLite
 * file in the data folder, so runs survive restarts), the worker processes, and the API with the
 * web app on 127.0.0.1; no MinIO, no sandbox. It talks to SmugMug and AWS unless
 * SMUGMUG_API_BASE_URL and AWS_ENDPOINT_URL_S3 say otherwise. What a person enters in the web app's
 * setup (the SmugMug key, accounts, S3's access) goes to the credential store in the data folder,
 * encrypted, where the workers read it when they need it: nothing to restart. Logs go to files in the data folder;
 * Ctrl-C stops everything. The web app needs its access key (made on first start, printed then, kept
 * in the data folder): a port on 127.0.0.1 is open to every user of the machine.
 */
export async function serve(): Promise<void> {
  const dataDir = serviceDataDir();
  const logs = join(dataDir, 'logs');
  await mkdir(logs, { recursive: true, mode: 0o700 });
  const payloadKeys = await localPayloadKeys(dataDir);
  const apiToken = await keptSecret(join(dataDir, 'api-token'), () => randomBytes(24).toString('base64url'));
  const apiPort = portOf('API_PORT');
  const webUrl = `http://127.0.0.1:${apiPort}/app`;
  console.log(`Web app: ${webUrl}`);
  console.log(
    apiToken.made
      ? `  access key (shown once; kept in ${join(dataDir, 'api-token')}): ${apiToken.value}`
      : `  access key: in ${join(dataDir, 'api-token')}`,
  );
  console.log(`Data and logs: ${dataDir}`);

  const started: ServerProcess[] = [];
  const stopAll = async () => {
    for (const p of started.reverse()) await p.stop().catch(() => undefined);
  };
  stopOnSignals({ stop: stopAll }, 'Temporal, the workers and the web app');
  try {
    const temporal = await startTemporalDevServer({
      binary: await resolveTool('temporal', { install: true, log: console.log }),
      port: portOf('TEMPORAL_PORT'),
      uiPort: portOf('TEMPORAL_UI_PORT'),
      dbFile: join(dataDir, 'temporal.sqlite'),
      logFile: join(logs, 'temporal.log'),
      codecEndpoint: `http://127.0.0.1:${apiPort}/codec`,
    });
    started.push(temporal.process);
    const common = {
      TEMPORAL_ADDRESS: temporal.address,
      TEMPORAL_NAMESPACE: temporal.namespace,
      PAYLOAD_ENCRYPTION_KEYS: payloadKeys,
      // Setup in the web app keeps the SmugMug key, the accounts' tokens and S3's access here, encrypted.
      CREDENTIALS_STORE: join(dataDir, 'credentials.enc'),
    };
    const api = await spawnServer('API', process.execPath, ['--import', 'tsx', join(projectRoot, 'server/main.ts')], {
      env: {
        ...common,
        API_HOST: '127.0.0.1',
        API_PORT: String(apiPort),
        API_TOKEN: apiToken.value,
        TEMPORAL_UI_URL: temporal.uiUrl,
      },
      logFile: join(logs, 'api.log'),
    });
    started.push(api);
    await waitUntilReady(api, async () => (await fetch(`http://127.0.0.1:${apiPort}/readyz`)).ok, API_READY_MS);
    started.push(
      await spawnServer(
        'workers',
        process.execPath,
        [...WORKER_NODE_FLAGS, '--import', 'tsx', join(projectRoot, 'worker/main.ts')],
        { env: { ...common, ...WORKER_MALLOC_ENV }, logFile: join(logs, 'worker.log') },
      ),
    );
    console.log(`Ready: open ${webUrl}, sign in with the access key, set up, plan and start. Ctrl-C stops everything.`);
  } catch (err) {
    await stopAll();
    throw err;
  }
}

if (require.main === module)
  serve().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
