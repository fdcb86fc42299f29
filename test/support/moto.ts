import { S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMotoServer } from '../../local-stack/moto-server';
import { startApiTestbed } from './api-harness';
import type { startPrivateSandbox } from './sandbox-client';

/**
 * moto's S3 server for one test file, in the run's folder, with a client: what MinIO does not do
 * (archive classes and their refusals, the public-access block, CORS). Any access key works.
 */
export async function startMotoForTests(label: string) {
  const dir = await mkdtemp(join(process.env.SMUGMUG_S3_RUN_DIR ?? tmpdir(), `moto-${label}-`));
  const server = await startMotoServer(dir);
  const s3 = new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
  return {
    /** Where it listens and the keys it takes, for processes of the test's own (the CLI). */
    endpoint: server.endpoint,
    region: server.region,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    s3,
    /** The object keys of `bucket` moto was asked to GET (reads of bodies; listings carry a query and no key). */
    async keysRead(bucket: string): Promise<string[]> {
      const log = await readFile(join(dir, 'moto.log'), 'utf8');
      return [...log.matchAll(/"GET \/([^ ?]+)(?:\?[^ ]*)? HTTP/g)]
        .map((m) => decodeURIComponent(m[1]))
        .filter((path) => path.startsWith(`${bucket}/`))
        .map((path) => path.slice(bucket.length + 1));
    },
    /** The keys of `bucket` a RestoreObject was sent for, once per request. */
    async restoresRequested(bucket: string): Promise<string[]> {
      const log = await readFile(join(dir, 'moto.log'), 'utf8');
      // Werkzeug colours the lines of some answers (202): its escape codes may come first.
      return [...log.matchAll(/"(?:\x1b\[[0-9;]*m)*POST \/([^ ?]+)\?restore[^ ]* HTTP/g)]
        .map((m) => decodeURIComponent(m[1]))
        .filter((path) => path.startsWith(`${bucket}/`))
        .map((path) => path.slice(bucket.length + 1));
    },
    /**
     * How moto moves restores on (its state manager, model `s3::keyrestore`): `{ progression: 'time',
     * seconds }` keeps each restore ongoing that long after it is first looked at; `immediate` ends them.
     */
    async setRestoreProgression(transition: { progression: 'immediate' } | { progression: 'time'; seconds: number }) {
      const res = await fetch(`${server.endpoint}/moto-api/state-manager/set-transition`, {
        method: 'POST',
        body: JSON.stringify({ model_name: 's3::keyrestore', transition }),
      });
      if (!res.ok) throw new Error(`moto refused the restore transition: ${res.status} ${await res.text()}`);
    },
    async stop() {
      s3.destroy();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** moto, a private sandbox, an in-process worker and the API in front, the worker and the API on moto. */
export async function startMotoTestbed(
  label: string,
  sandboxOptions: Parameters<typeof startPrivateSandbox>[0],
  workerOverrides: Record<string, string> = {},
) {
  const moto = await startMotoForTests(label);
  const onMoto = { AWS_ENDPOINT_URL_S3: moto.endpoint };
  try {
    const testbed = await startApiTestbed(sandboxOptions, { ...onMoto, ...workerOverrides }, () => onMoto);
    return {
      moto,
      ...testbed,
      async close() {
        await testbed.close();
        await moto.stop();
      },
    };
  } catch (err) {
    await moto.stop();
    throw err;
  }
}
