import { parseArgs } from 'node:util';
import { localStackDataDir } from './paths';
import { DEFAULT_PORTS, startLocalStack, type StackPorts } from './stack';

const PORT_ENV: Record<keyof StackPorts, string> = {
  temporal: 'TEMPORAL_PORT', temporalUi: 'TEMPORAL_UI_PORT', minio: 'MINIO_PORT', minioConsole: 'MINIO_CONSOLE_PORT', sandbox: 'SANDBOX_PORT',
};

function portsFromEnv(): StackPorts {
  const ports = { ...DEFAULT_PORTS };
  for (const [key, name] of Object.entries(PORT_ENV) as Array<[keyof StackPorts, string]>) {
    const value = process.env[name];
    if (value === undefined) continue;
    if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) throw new Error(`${name}=${value} is not a port number (1-65535)`);
    ports[key] = Number(value);
  }
  return ports;
}

/** `npm run stack`: the whole local stack in the foreground, until Ctrl-C. */
async function main() {
  const { values } = parseArgs({ options: { demo: { type: 'boolean' } } });
  const dataDir = localStackDataDir();
  const stack = await startLocalStack({ dataDir, ports: portsFromEnv(), installTools: true, log: console.log });
  const { temporal, minio, sandbox } = stack;
  const c = sandbox.credentials;
  console.log(`
Local stack is up (data in ${dataDir}). Ctrl-C stops everything.

Temporal   ${temporal.address}  namespace ${temporal.namespace}
  web UI   ${temporal.uiUrl}
  TEMPORAL_ADDRESS=${temporal.address}

MinIO (S3) ${minio.endpoint}   console ${minio.consoleUrl}
  bucket ${minio.bucket}
  AWS_ENDPOINT_URL_S3=${minio.endpoint}
  AWS_ACCESS_KEY_ID=${minio.accessKeyId}
  AWS_SECRET_ACCESS_KEY=${minio.secretAccessKey}
  AWS_REGION=${minio.region}

SmugMug sandbox ${sandbox.url}  (user ${sandbox.library.nickname}: ${sandbox.library.albums.size} albums, ${sandbox.library.images.size} images)
  SMUGMUG_API_BASE_URL=${sandbox.url}
  SMUGMUG_API_KEY=${c.consumerKey}
  SMUGMUG_API_SECRET=${c.consumerSecret}
  SMUGMUG_ACCESS_TOKEN=${c.fullModify.token}
  SMUGMUG_ACCESS_TOKEN_SECRET=${c.fullModify.secret}
  admin: ${sandbox.url}/__sandbox/info  ${sandbox.url}/__sandbox/counters  ${sandbox.url}/__sandbox/faults
`);
  if (values.demo) {
    console.log('The migration engine is not built yet: this demo brings up the stack only. Explore it, then Ctrl-C.');
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack...`);
    stack.stop().then(() => {
      console.log('Stopped.');
      process.exit(0);
    }, (err: unknown) => {
      console.error(err);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
