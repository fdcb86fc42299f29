import { BucketAlreadyOwnedByYou, CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { get as httpGet } from 'node:http';
import { Agent, get as httpsGet } from 'node:https';
import { join } from 'node:path';
import type { Certificates } from './certificates';
import { type ServerProcess, spawnServer, waitUntilReady } from './processes';

/** The KMS key id of the local MinIO, for testing `aws:kms` encryption. */
export const LOCAL_KMS_KEY_ID = 'smugmug-s3-local-key';

export interface MinioServer {
  endpoint: string;
  consoleUrl: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  bucket: string;
  /** The CA (PEM) of a MinIO serving TLS, for clients that do not trust it by NODE_EXTRA_CA_CERTS. */
  ca?: Buffer;
  process: ServerProcess;
}

/** An S3 client for the local MinIO (path-style addressing, as MinIO needs on 127.0.0.1). */
export function minioClient(
  minio: Pick<MinioServer, 'endpoint' | 'accessKeyId' | 'secretAccessKey' | 'region' | 'ca'>,
): S3Client {
  return new S3Client({
    endpoint: minio.endpoint,
    region: minio.region,
    forcePathStyle: true,
    credentials: { accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey },
    ...(minio.ca ? { requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: minio.ca }) }) } : {}),
  });
}

/** Whether MinIO answers its liveness check (over TLS with the given CA). */
function isLive(endpoint: string, ca?: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    const req = (ca ? httpsGet : httpGet)(`${endpoint}/minio/health/live`, ca ? { ca } : {}, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once('error', () => resolve(false));
  });
}

export async function startMinio(opts: {
  binary: string;
  port: number;
  consolePort: number;
  dataDir: string;
  logFile: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Serve HTTPS with this certificate (for 127.0.0.1) of this CA. */
  tls?: Pick<Certificates, 'caCert' | 'serverCert' | 'serverKey'>;
}): Promise<MinioServer> {
  await mkdir(opts.dataDir, { recursive: true });
  const endpoint = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${opts.port}`;
  const certsDir = `${opts.dataDir}.certs`;
  if (opts.tls) {
    // MinIO reads its certificate and key from a folder, by these names.
    await mkdir(certsDir, { recursive: true });
    await copyFile(opts.tls.serverCert, join(certsDir, 'public.crt'));
    await copyFile(opts.tls.serverKey, join(certsDir, 'private.key'));
  }
  const ca = opts.tls ? await readFile(opts.tls.caCert) : undefined;
  const proc = await spawnServer(
    'MinIO',
    opts.binary,
    [
      'server',
      opts.dataDir,
      '--address',
      `127.0.0.1:${opts.port}`,
      '--console-address',
      `127.0.0.1:${opts.consolePort}`,
      '--quiet',
      ...(opts.tls ? ['--certs-dir', certsDir] : []),
    ],
    {
      logFile: opts.logFile,
      env: {
        MINIO_ROOT_USER: opts.accessKeyId,
        MINIO_ROOT_PASSWORD: opts.secretAccessKey,
        MINIO_UPDATE: 'off',
        MINIO_BROWSER_REDIRECT: 'off',
        // A local-only key, so server-side encryption (SSE-S3, SSE-KMS) works as on AWS.
        MINIO_KMS_SECRET_KEY: `${LOCAL_KMS_KEY_ID}:${Buffer.alloc(32, 'smugmug-s3-local-kms').toString('base64')}`,
      },
    },
  );
  await waitUntilReady(proc, () => isLive(endpoint, ca), 60_000);
  const server: MinioServer = {
    endpoint,
    consoleUrl: `http://127.0.0.1:${opts.consolePort}`,
    accessKeyId: opts.accessKeyId,
    secretAccessKey: opts.secretAccessKey,
    region: 'us-east-1',
    bucket: opts.bucket,
    ca,
    process: proc,
  };
  const s3 = minioClient(server);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: opts.bucket }));
  } catch (err) {
    if (!(err instanceof BucketAlreadyOwnedByYou)) {
      await proc.stop();
      throw err;
    }
  } finally {
    s3.destroy();
  }
  return server;
}
