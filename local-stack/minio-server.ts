import { BucketAlreadyOwnedByYou, CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdir } from 'node:fs/promises';
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
  process: ServerProcess;
}

/** An S3 client for the local MinIO (path-style addressing, as MinIO needs on 127.0.0.1). */
export function minioClient(
  minio: Pick<MinioServer, 'endpoint' | 'accessKeyId' | 'secretAccessKey' | 'region'>,
): S3Client {
  return new S3Client({
    endpoint: minio.endpoint,
    region: minio.region,
    forcePathStyle: true,
    credentials: { accessKeyId: minio.accessKeyId, secretAccessKey: minio.secretAccessKey },
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
}): Promise<MinioServer> {
  await mkdir(opts.dataDir, { recursive: true });
  const endpoint = `http://127.0.0.1:${opts.port}`;
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
  await waitUntilReady(proc, async () => (await fetch(`${endpoint}/minio/health/live`)).ok, 60_000);
  const server: MinioServer = {
    endpoint,
    consoleUrl: `http://127.0.0.1:${opts.consolePort}`,
    accessKeyId: opts.accessKeyId,
    secretAccessKey: opts.secretAccessKey,
    region: 'us-east-1',
    bucket: opts.bucket,
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
