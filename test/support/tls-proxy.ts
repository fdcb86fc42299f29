import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { type Certificates, makeCertificates } from '../../local-stack/certificates';

export type TestCertificates = Certificates;

/** A CA, a server certificate for 127.0.0.1 and a client certificate, in a folder of the test run. */
export async function makeTestCertificates(): Promise<Certificates> {
  return makeCertificates(await mkdtemp(join(process.env.SMUGMUG_S3_RUN_DIR ?? tmpdir(), 'certs-')));
}

/**
 * A TLS front for a plain gRPC server (the dev server has no TLS of its own), as a cluster's
 * frontend serves: HTTP/2 over TLS, and a client certificate signed by the run's CA required
 * (mTLS). A client without one is refused in the handshake.
 */
export async function startMtlsProxy(target: string, certs: TestCertificates) {
  const [host, port] = target.split(':');
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer(
    {
      key: await readFile(certs.serverKey),
      cert: await readFile(certs.serverCert),
      ca: await readFile(certs.caCert),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (client) => {
      const upstream = connect(Number(port), host);
      sockets.add(client).add(upstream);
      client.pipe(upstream).pipe(client);
      const drop = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(certs.dir, { recursive: true, force: true });
    },
  };
}
