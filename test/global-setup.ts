import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStackOnFreePorts } from '../local-stack/stack';
import { FUZZ_NAMESPACE, TEST_STACK_ENV, type TestStack } from './support/test-stack';

/** Starts a private Temporal dev server, MinIO and SmugMug sandbox on free ports for this test run. */
export default async function globalSetup(): Promise<void> {
  // SMUGMUG_S3_RUN_DIR lets CI find (and clean up) everything a run started.
  const runDir = await mkdtemp(join(process.env.SMUGMUG_S3_RUN_DIR ?? tmpdir(), 'smugmug-s3-test-'));
  // The fuzzer lists and cancels whatever it finds: its own namespace keeps it from other test files' runs.
  const stack = await startLocalStackOnFreePorts({
    dataDir: runDir,
    bucket: 'test-bucket',
    installTools: true,
    extraNamespaces: [FUZZ_NAMESPACE],
  });
  (globalThis as { localStack?: typeof stack }).localStack = stack;
  const handoff: TestStack = {
    runDir,
    temporal: { address: stack.temporal.address, namespace: stack.temporal.namespace, uiUrl: stack.temporal.uiUrl! },
    minio: {
      endpoint: stack.minio.endpoint,
      accessKeyId: stack.minio.accessKeyId,
      secretAccessKey: stack.minio.secretAccessKey,
      region: stack.minio.region,
      bucket: stack.minio.bucket,
    },
    sandbox: { url: stack.sandbox.url, mediaDir: join(runDir, 'sandbox-media') },
  };
  process.env[TEST_STACK_ENV] = JSON.stringify(handoff);
  // Workers started by the tests find MinIO's credentials where a real worker finds AWS's.
  process.env.AWS_ACCESS_KEY_ID = stack.minio.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = stack.minio.secretAccessKey;
  // And the payload key the stack made, as every client and worker of the service needs it.
  process.env.PAYLOAD_ENCRYPTION_KEYS = stack.payloadKeys;
}
