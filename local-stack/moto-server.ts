import { join } from 'node:path';
import { freePort, spawnServer, waitUntilReady } from './processes';
import { resolvePythonTools } from './python-tools';

/**
 * moto's S3 server on a free port: it implements what MinIO does not (public-access block,
 * storage classes, CORS), so bucket settings are tested against both. Any access key works.
 */
export async function startMotoServer(dataDir: string) {
  const { motoServer } = await resolvePythonTools();
  const port = await freePort();
  const server = await spawnServer('moto S3 server', motoServer, ['-H', '127.0.0.1', '-p', String(port)], {
    logFile: join(dataDir, 'moto.log'),
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(server, async () => (await fetch(`${endpoint}/moto-api/`)).ok, 60_000);
  } catch (err) {
    await server.stop();
    throw err;
  }
  return {
    endpoint,
    region: 'us-east-1',
    accessKeyId: 'moto-test',
    secretAccessKey: 'moto-test-secret',
    stop: () => server.stop(),
  };
}
