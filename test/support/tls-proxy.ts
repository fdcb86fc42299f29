import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';

export interface TestCertificates {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** A CA made for the run, a server certificate for 127.0.0.1 and a client certificate, with openssl. */
export async function makeCertificates(): Promise<TestCertificates> {
  const dir = await mkdtemp(join(process.env.SMUGMUG_S3_RUN_DIR ?? tmpdir(), 'certs-'));
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=smugmug-s3 test CA',
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.pem'),
  );
  for (const [name, usage, san] of [
    ['server', 'serverAuth', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    ['client', 'clientAuth', 'subjectAltName=DNS:smugmug-s3-worker'],
  ]) {
    await writeFile(at(`${name}.ext`), `${san}\nextendedKeyUsage=${usage}\nbasicConstraints=CA:FALSE\n`);
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      at(`${name}.key`),
      '-out',
      at(`${name}.csr`),
    );
    openssl(
      'x509',
      '-req',
      '-in',
      at(`${name}.csr`),
      '-CA',
      at('ca.pem'),
      '-CAkey',
      at('ca.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      at(`${name}.pem`),
      '-extfile',
      at(`${name}.ext`),
    );
  }
  return {
    dir,
    caCert: at('ca.pem'),
    serverCert: at('server.pem'),
    serverKey: at('server.key'),
    clientCert: at('client.pem'),
    clientKey: at('client.key'),
  };
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
