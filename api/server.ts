import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import type { AddressInfo } from 'node:net';
import { createS3Client } from '../config/s3';
import { explainConnectionFailure, temporalConnectionOptions } from '../config/temporal';
import { encryptedDataConverter } from '../encryption/data-converter';
import { createApiApp } from './app';
import type { ApiConfig } from './config';

/** Runs the API on its host and port; `close()` stops it and its connections. */
export async function startApiServer(config: ApiConfig, log?: (entry: Record<string, unknown>) => void) {
  const options = temporalConnectionOptions(config);
  const connection = await Connection.connect(options).catch(explainConnectionFailure(options));
  const dataConverter = encryptedDataConverter(config.PAYLOAD_ENCRYPTION_KEYS);
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  const s3 = createS3Client(config);
  const app = createApiApp({ config, connection, client, codec: dataConverter.payloadCodecs![0], s3, log });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: config.API_HOST, port: config.API_PORT }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.API_HOST}:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
      s3.destroy();
    },
  };
}
