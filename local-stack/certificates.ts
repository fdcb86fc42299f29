import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface Certificates {
  dir: string;
  caCert: string;
  /** For 127.0.0.1 and localhost; also a client certificate, as Temporal's nodes present it to each other (internode mTLS). */
  serverCert: string;
  serverKey: string;
  /** What workers, the API and the CLI present to an mTLS frontend. */
  clientCert: string;
  clientKey: string;
}

/** Short-lived: these are made for one run and never leave it. */
const VALID_DAYS = '2';

/** A CA made for the run, a server certificate for 127.0.0.1 and a client certificate, with openssl, in `dir`. */
export async function makeCertificates(dir: string): Promise<Certificates> {
  const at = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => promisify(execFile)('openssl', args, { cwd: dir });
  await openssl(
    'req',
    ...['-x509', '-newkey', 'rsa:2048', '-nodes', '-days', VALID_DAYS],
    ...['-subj', '/CN=smugmug-s3 run CA', '-keyout', at('ca.key'), '-out', at('ca.pem')],
  );
  for (const [name, usage, san] of [
    ['server', 'serverAuth,clientAuth', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    ['client', 'clientAuth', 'subjectAltName=DNS:smugmug-s3-worker'],
  ]) {
    await writeFile(at(`${name}.ext`), `${san}\nextendedKeyUsage=${usage}\nbasicConstraints=CA:FALSE\n`);
    await openssl(
      'req',
      ...['-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`],
      ...['-keyout', at(`${name}.key`), '-out', at(`${name}.csr`)],
    );
    await openssl(
      'x509',
      ...['-req', '-in', at(`${name}.csr`), '-CA', at('ca.pem'), '-CAkey', at('ca.key'), '-CAcreateserial'],
      ...['-days', VALID_DAYS, '-out', at(`${name}.pem`), '-extfile', at(`${name}.ext`)],
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
