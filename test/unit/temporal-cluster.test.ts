import { freeLowPort } from '../../local-stack/processes';
import { clusterClientEnv } from '../../local-stack/temporal-cluster';

const certs = {
  dir: '',
  caCert: 'ca.pem',
  serverCert: 's.pem',
  serverKey: 's.key',
  clientCert: 'c.pem',
  clientKey: 'c.key',
};

describe("a cluster's client settings", () => {
  test('with mTLS: the CA, the client certificate and the name in the server certificate', () => {
    expect(clusterClientEnv('127.0.0.1:7233', certs, 'default')).toEqual({
      TEMPORAL_ADDRESS: '127.0.0.1:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: 'ca.pem',
      TEMPORAL_TLS_SERVER_NAME: 'localhost',
      TEMPORAL_TLS_CLIENT_CERT_PATH: 'c.pem',
      TEMPORAL_TLS_CLIENT_KEY_PATH: 'c.key',
    });
  });

  test('with an API key: the key instead of a client certificate, over TLS all the same', () => {
    const env = clusterClientEnv('127.0.0.1:7233', certs, 'default', 'key');
    expect(env).toMatchObject({ TEMPORAL_API_KEY: 'key', TEMPORAL_TLS_SERVER_CA_CERT_PATH: 'ca.pem' });
    expect(Object.keys(env).filter((name) => name.startsWith('TEMPORAL_TLS_CLIENT_'))).toEqual([]);
  });
});

describe('ports for the Temporal server', () => {
  test('are free and fit the signed 16-bit column Temporal stores membership ports in', async () => {
    for (let i = 0; i < 20; i++) {
      const port = await freeLowPort();
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port).toBeLessThanOrEqual(32_767);
    }
  });
});
