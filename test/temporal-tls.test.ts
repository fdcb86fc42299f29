import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorkerConfig } from '../worker/config';
import { temporalConnectionOptions, TemporalSettings, withTemporalProfile } from '../config/temporal';
import { startApiTestbed, startTestApi } from './support/api-harness';
import { createTestBucket } from './support/migration-harness';
import { testStack } from './support/test-stack';
import { makeTestCertificates, startMtlsProxy, type TestCertificates } from './support/tls-proxy';

let certs: TestCertificates;
let proxy: Awaited<ReturnType<typeof startMtlsProxy>>;
beforeAll(async () => {
  certs = await makeTestCertificates();
  proxy = await startMtlsProxy(testStack().temporal.address, certs);
});
afterAll(() => proxy?.close());

/** The Temporal settings of a worker or the API reaching the cluster through mTLS, as the environment spells them. */
const mtls = (withClientCertificate: boolean) => ({
  TEMPORAL_ADDRESS: proxy.address,
  TEMPORAL_TLS_SERVER_CA_CERT_PATH: certs.caCert,
  // The name in the certificate: a TLS client may not send an IP address as the name (Node warns, DEP0123).
  TEMPORAL_TLS_SERVER_NAME: 'localhost',
  ...(withClientCertificate
    ? { TEMPORAL_TLS_CLIENT_CERT_PATH: certs.clientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: certs.clientKey }
    : {}),
});

describe('a Temporal frontend that requires mTLS', () => {
  test('without a client certificate the worker, a client and the API are refused', async () => {
    const settings = TemporalSettings.parse({ ...mtls(false), TEMPORAL_NAMESPACE: testStack().temporal.namespace });
    await expect(NativeConnection.connect(temporalConnectionOptions(settings))).rejects.toThrow();
    await expect(
      Connection.connect({ ...temporalConnectionOptions(settings), connectTimeout: 5_000 }),
    ).rejects.toThrow();
    // The API connects at start: it does not come up.
    const apiTarget = { ...settings, TEMPORAL_TASK_QUEUE: 'tls-refused' } as unknown as WorkerConfig;
    await expect(startTestApi(apiTarget, mtls(false))).rejects.toThrow(
      `Could not connect to Temporal at ${proxy.address} (TLS without a client certificate)`,
    );
  }, 60_000);

  test('with the certificate, worker and API connect, and a migration started through the API completes verified', async () => {
    const testbed = await startApiTestbed(
      {
        library: {
          seed: 'tls',
          nickname: 'tls-tester',
          albums: 1,
          folders: 0,
          photosPerAlbum: 3,
          videos: 0,
          trickyCases: false,
        },
      },
      mtls(true),
      () => mtls(true),
    );
    try {
      const bucket = await createTestBucket(testbed.harness.s3, 'tls');
      const started = await testbed.api.call('POST', '/v1/migrations', {
        account: 'tls-tester',
        migrationId: 'tls',
        target: { bucket },
      });
      expect(started.status).toBe(202);
      const done = await testbed.api.waitFor(started.body.id, (s) => s.status !== 'RUNNING');
      expect(done).toMatchObject({ status: 'COMPLETED', phase: 'completed', counts: { albumsFailed: 0, files: 3 } });
      expect(done.counts.verified).toBe(3);
    } finally {
      await testbed.close();
    }
  }, 120_000);

  test('a temporal.toml profile alone (address, namespace, certificates) is enough, as for the temporal CLI', async () => {
    const file = join(certs.dir, 'temporal.toml');
    await writeFile(
      file,
      [
        '[profile.cluster]',
        `address = "${proxy.address}"`,
        `namespace = "${testStack().temporal.namespace}"`,
        '[profile.cluster.tls]',
        `client_cert_path = "${certs.clientCert}"`,
        `client_key_path = "${certs.clientKey}"`,
        `server_ca_cert_path = "${certs.caCert}"`,
        'server_name = "localhost"',
      ].join('\n'),
    );
    const settings = TemporalSettings.parse(
      withTemporalProfile({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'cluster' }),
    );
    expect(settings.TEMPORAL_ADDRESS).toBe(proxy.address);
    const connection = await Connection.connect(temporalConnectionOptions(settings));
    try {
      const info = await connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toBeTruthy();
    } finally {
      await connection.close();
    }
  }, 60_000);
});
