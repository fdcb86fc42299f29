import { Connection } from '@temporalio/client';
import { grpc } from '@temporalio/proto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { temporalConnectionOptions, TemporalSettings } from '../config/temporal';
import { setUpTemporalNamespace } from '../worker/temporal-setup';
import type { Certificates } from './certificates';
import { projectRoot } from './paths';
import type { PostgresServer } from './postgres-server';
import { freeLowPort, freePort, run, type ServerProcess, spawnServer, waitUntilReady } from './processes';
import { toolFile } from './tools';

/**
 * Settings of the Temporal server with the same values in docker-compose.yml (a unit test keeps
 * them equal). The names are those of the server's own configuration template, which the
 * `temporalio/server` image reads too.
 */
export const TEMPORAL_SERVER_SETTINGS = {
  DB: 'postgres12',
  DBNAME: 'temporal',
  VISIBILITY_DBNAME: 'temporal_visibility',
  // Fixed for the life of a cluster: it cannot be changed once data exists.
  NUM_HISTORY_SHARDS: '4',
  // mTLS on the frontend and between the server's own services: no certificate of the cluster's CA, no connection.
  TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: 'true',
  // Who may do what is decided by the client certificate (mTLS) alone: no authorizer plugin.
  TEMPORAL_ALLOW_NO_AUTH: 'true',
} as const;

/** The dynamic config file shared with docker-compose.yml (SERVER_DYNAMIC_CONFIG's values). */
export const DYNAMIC_CONFIG_FILE = join(projectRoot, 'config/temporal-dynamic-config.yaml');
/** The schema script shared with docker-compose.yml's `temporal-schema` service. */
export const SCHEMA_SCRIPT = join(projectRoot, 'config/temporal-schema.sh');

/** The server's database settings, by the template's names. */
export function temporalDatabaseEnv(db: Pick<PostgresServer, 'host' | 'port' | 'user' | 'password'>) {
  return { POSTGRES_SEEDS: db.host, DB_PORT: String(db.port), POSTGRES_USER: db.user, POSTGRES_PWD: db.password };
}

/** The name in the run's server certificate that clients check (a TLS client may not send an IP address as the name). */
const SERVER_NAME = 'localhost';

/** The server's certificates, by the template's names: one server certificate for frontend and nodes, one CA. */
export function temporalTlsEnv(certs: Pick<Certificates, 'caCert' | 'serverCert' | 'serverKey'>, serverName: string) {
  return {
    TEMPORAL_TLS_FRONTEND_SERVER_NAME: serverName,
    TEMPORAL_TLS_INTERNODE_SERVER_NAME: serverName,
    TEMPORAL_TLS_SERVER_CA_CERT: certs.caCert,
    TEMPORAL_TLS_SERVER_CERT: certs.serverCert,
    TEMPORAL_TLS_SERVER_KEY: certs.serverKey,
    TEMPORAL_TLS_FRONTEND_CERT: certs.serverCert,
    TEMPORAL_TLS_FRONTEND_KEY: certs.serverKey,
    // The template lists two client CAs (for a rotation); both are the run's CA.
    TEMPORAL_TLS_CLIENT1_CA_CERT: certs.caCert,
    TEMPORAL_TLS_CLIENT2_CA_CERT: certs.caCert,
  };
}

/** The UI server's client certificate for the frontend, by its image's names. */
export function temporalUiTlsEnv(certs: Pick<Certificates, 'caCert' | 'clientCert' | 'clientKey'>, serverName: string) {
  return {
    TEMPORAL_TLS_CA: certs.caCert,
    TEMPORAL_TLS_CERT: certs.clientCert,
    TEMPORAL_TLS_KEY: certs.clientKey,
    TEMPORAL_TLS_SERVER_NAME: serverName,
    TEMPORAL_TLS_ENABLE_HOST_VERIFICATION: 'true',
  };
}

export interface TemporalCluster {
  address: string;
  namespace: string;
  uiUrl?: string;
  /** The client settings of the cluster (TEMPORAL_* with the client certificate, or the setup's API key). */
  clientEnv: Record<string, string>;
  server: ServerProcess;
  ui?: ServerProcess;
  /** Starts the server again on the same ports and database (after a kill) and waits until it serves. */
  restartServer(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * How clients prove who they are:
 * - mTLS: a client certificate of the cluster's CA, required on the frontend and between services;
 * - an API key, as Temporal Cloud's clients send one (`Authorization: Bearer`): here a JWT that the
 *   server's default authorizer checks against `jwksUrl`, with a permission per namespace. Clients
 *   need no certificate; the server's own system worker goes through the internal frontend, which
 *   trusts the nodes' certificates instead. `setupKey` is a key with system rights, for the setup.
 */
export type ClusterAuth = { kind: 'mtls' } | { kind: 'api-key'; jwksUrl: string; setupKey: string };

/** The server's services: with API keys, the internal frontend for its own system worker. */
function servicesOf(auth: ClusterAuth): string[] {
  const services = ['frontend', 'history', 'matching', 'worker'];
  return auth.kind === 'api-key' ? [...services, 'internal-frontend'] : services;
}

/** The server's settings of that way, by the template's names. */
function authEnv(auth: ClusterAuth): Record<string, string> {
  if (auth.kind === 'mtls') return {};
  return {
    TEMPORAL_TLS_REQUIRE_CLIENT_AUTH: 'false',
    TEMPORAL_ALLOW_NO_AUTH: 'false',
    TEMPORAL_AUTH_AUTHORIZER: 'default',
    TEMPORAL_AUTH_CLAIM_MAPPER: 'default',
    TEMPORAL_JWT_KEY_SOURCE1: auth.jwksUrl,
    USE_INTERNAL_FRONTEND: 'true',
  };
}

/** Each service of the server listens on its own ports (gRPC and membership), on 127.0.0.1 and below 32768 (see freeLowPort). */
async function serverPorts(services: string[]) {
  const ports: Record<string, string> = {};
  for (const service of services) {
    const prefix = service.toUpperCase().replace('-', '_');
    for (const kind of ['GRPC', 'MEMBERSHIP']) ports[`${prefix}_${kind}_PORT`] = String(await freeLowPort());
    if (service.endsWith('frontend')) ports[`${prefix}_HTTP_PORT`] = String(await freeLowPort());
  }
  return ports;
}

/** A Temporal client's settings for a cluster of this way, as the worker and the API read them. */
export function clusterClientEnv(address: string, certs: Certificates, namespace: string, apiKey?: string) {
  return {
    TEMPORAL_ADDRESS: address,
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
    TEMPORAL_TLS_SERVER_NAME: SERVER_NAME,
    ...(apiKey
      ? { TEMPORAL_API_KEY: apiKey }
      : { TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey }),
  };
}

/** Temporal's two databases, by the template's names. */
type Databases = { DBNAME: string; VISIBILITY_DBNAME: string };

/** Temporal's databases and their schema, with the shared script and Temporal's SQL tool. */
export async function setUpTemporalSchema(
  serverBinary: string,
  db: PostgresServer,
  databases: Databases,
): Promise<void> {
  await run('sh', [SCHEMA_SCRIPT], {
    TEMPORAL_SQL_TOOL: toolFile(serverBinary, 'temporal-sql-tool'),
    TEMPORAL_SCHEMA_DIR: toolFile(serverBinary, 'schema/postgresql/v12'),
    SQL_HOST: db.host,
    SQL_PORT: String(db.port),
    SQL_USER: db.user,
    SQL_PASSWORD: db.password,
    ...databases,
  });
}

/** Waits until the frontend answers health checks over mTLS. */
async function waitUntilServing(server: ServerProcess, clientEnv: Record<string, string>, timeoutMs: number) {
  const options = temporalConnectionOptions(TemporalSettings.parse(clientEnv));
  await waitUntilReady(
    server,
    async () => {
      const connection = await Connection.connect({ ...options, connectTimeout: 2000 });
      try {
        const health = await connection.healthService.check({});
        return health.status === grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING;
      } finally {
        await connection.close();
      }
    },
    timeoutMs,
  );
}

/**
 * The Temporal server itself (all its services in one process) on PostgreSQL, with advanced
 * visibility in PostgreSQL, TLS on the frontend and between services (mTLS, or API keys), the
 * namespace and the project's search attributes; and Temporal's UI server in front of it.
 */
export async function startTemporalCluster(opts: {
  serverBinary: string;
  /** Temporal's UI server, unless none is wanted. */
  uiBinary?: string;
  dir: string;
  db: PostgresServer;
  certs: Certificates;
  namespace: string;
  auth?: ClusterAuth;
  /** Another pair of databases, for a second cluster on the same PostgreSQL. */
  databases?: Databases;
  codecEndpoint?: string;
}): Promise<TemporalCluster> {
  const auth = opts.auth ?? { kind: 'mtls' };
  const databases = opts.databases ?? TEMPORAL_SERVER_SETTINGS;
  await mkdir(opts.dir, { recursive: true });
  await setUpTemporalSchema(opts.serverBinary, opts.db, databases);
  const services = servicesOf(auth);
  const ports = await serverPorts(services);
  const address = `127.0.0.1:${ports.FRONTEND_GRPC_PORT}`;
  const env = {
    ...TEMPORAL_SERVER_SETTINGS,
    DBNAME: databases.DBNAME,
    VISIBILITY_DBNAME: databases.VISIBILITY_DBNAME,
    ...temporalDatabaseEnv(opts.db),
    ...temporalTlsEnv(opts.certs, SERVER_NAME),
    ...authEnv(auth),
    ...ports,
    BIND_ON_IP: '127.0.0.1',
    LOG_LEVEL: 'warn',
    DYNAMIC_CONFIG_FILE_PATH: DYNAMIC_CONFIG_FILE,
  };
  const setupKey = auth.kind === 'api-key' ? auth.setupKey : undefined;
  const clientEnv = clusterClientEnv(address, opts.certs, opts.namespace, setupKey);
  const logFile = join(opts.dir, `temporal-server-${databases.DBNAME}.log`);
  const startServer = async () => {
    const args = ['start', ...services.flatMap((service) => ['--service', service])];
    const server = await spawnServer('Temporal server', opts.serverBinary, args, { env, logFile });
    await waitUntilServing(server, clientEnv, 120_000);
    return server;
  };
  let server = await startServer();
  const connection = await Connection.connect(temporalConnectionOptions(TemporalSettings.parse(clientEnv)));
  try {
    await setUpTemporalNamespace(connection, opts.namespace);
  } finally {
    await connection.close();
  }
  const uiPort = await freePort();
  const ui = !opts.uiBinary
    ? undefined
    : await startTemporalUi(
        opts.uiBinary,
        {
          TEMPORAL_ADDRESS: address,
          TEMPORAL_UI_PORT: String(uiPort),
          TEMPORAL_DEFAULT_NAMESPACE: opts.namespace,
          ...temporalUiTlsEnv(opts.certs, SERVER_NAME),
          TEMPORAL_CODEC_ENDPOINT: opts.codecEndpoint ?? '',
          TEMPORAL_NOTIFY_ON_NEW_VERSION: 'false',
        },
        join(opts.dir, 'temporal-ui.log'),
      );
  return {
    address,
    namespace: opts.namespace,
    uiUrl: ui ? `http://127.0.0.1:${uiPort}` : undefined,
    clientEnv,
    get server() {
      return server;
    },
    ui,
    async restartServer() {
      await server.stop();
      server = await startServer();
    },
    async stop() {
      await ui?.stop();
      await server.stop();
    },
  };
}

/** Temporal's UI server, configured by the image's variables (its own config template). */
async function startTemporalUi(binary: string, env: Record<string, string>, logFile: string): Promise<ServerProcess> {
  const ui = await spawnServer(
    'Temporal UI server',
    binary,
    ['--root', toolFile(binary, '.'), '--env', 'docker', 'start'],
    {
      env,
      logFile,
    },
  );
  await waitUntilReady(
    ui,
    async () => (await fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/api/v1/settings`)).ok,
    60_000,
  );
  return ui;
}
