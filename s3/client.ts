import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { Agent } from 'node:https';
import { Agent as HttpAgent } from 'node:http';
import { z } from 'zod';

/** Where the bucket is: the region, and an S3-compatible endpoint (MinIO) or none for AWS. Credentials: the SDK's standard chain. */
export const S3Settings = z.object({
  AWS_REGION: z.string().default('us-east-1'),
  /** An S3-compatible endpoint such as MinIO; unset for AWS. */
  AWS_ENDPOINT_URL_S3: z.url().optional(),
});
export type S3Settings = z.infer<typeof S3Settings>;

/** Uploads whose bytes S3 checks itself: the MD5 (Content-MD5) and CRC32 they carry. */
const CHECKSUMMED_UPLOADS = new Set(['PutObjectCommand', 'UploadPartCommand']);

/**
 * The service's S3 client (worker and API): keep-alive connections, path-style for S3-compatible endpoints.
 * Uploads are signed without hashing their bodies (UNSIGNED-PAYLOAD): every upload carries
 * Content-MD5 or a CRC32 that S3 verifies before storing, so a SHA-256 of each body for the
 * signature would add CPU (a fifth of the worker's, measured) and no protection.
 */
export function createS3Client(
  config: S3Settings,
  /** A replica's own keys, or a person's choice read from the credential store; unset: the SDK's standard chain and AWS_REGION. */
  access: Pick<S3ClientConfig, 'credentials' | 'region'> = {},
): S3Client {
  const client = new S3Client({
    region: access.region ?? config.AWS_REGION,
    credentials: access.credentials,
    endpoint: config.AWS_ENDPOINT_URL_S3,
    forcePathStyle: Boolean(config.AWS_ENDPOINT_URL_S3),
    requestHandler: new NodeHttpHandler({
      // A connection silent this long is dead: the attempt fails and is retried.
      connectionTimeout: 10_000,
      requestTimeout: 120_000,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 64 }),
      httpsAgent: new Agent({ keepAlive: true, maxSockets: 64 }),
    }),
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const request = args.request as { headers?: Record<string, string> };
      if (CHECKSUMMED_UPLOADS.has(context.commandName ?? '') && request.headers)
        request.headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      return next(args);
    },
    { step: 'build', name: 'unsignedChecksummedUploads' },
  );
  return client;
}
