import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { connectTemporalClient } from '../client/connection';
import { CredentialStore, credentialStorePath } from '../config/credential-store';
import { createS3Client } from '../s3/client';
import { storedS3Access } from '../s3/stored-access';
import { ReplicaClients } from '../s3/replicas';
import { createServices } from '../service';
import { createHttpApp } from './app';
import type { ServerConfig } from './config';

/** Runs the HTTP server on its host and port; `close()` stops it and its connections. */
export async function startHttpServer(config: ServerConfig, log?: (entry: Record<string, unknown>) => void) {
  const temporal = await connectTemporalClient(config);
  const store = new CredentialStore(config.CREDENTIALS_STORE ?? credentialStorePath());
  const s3 = createS3Client(config, storedS3Access(store, config));
  const replicas = new ReplicaClients(config.S3_REPLICAS);
  const services = createServices({ client: temporal.client, s3, replicas, settings: config, store });
  const app = createHttpApp({
    config,
    services,
    connection: temporal.connection,
    codec: temporal.dataConverter.payloadCodecs![0],
    log,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: config.API_HOST, port: config.API_PORT }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.API_HOST}:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await temporal.close();
      s3.destroy();
      replicas.destroy();
    },
  };
}
