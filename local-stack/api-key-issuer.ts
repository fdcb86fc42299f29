import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';

/** The key id the server finds the signing key by in the key set. */
const KEY_ID = 'smugmug-s3-run';
/** Long enough for any run of the suite; a key made for one run never leaves it. */
const KEY_LIFETIME = '6h';

/**
 * An issuer of API keys for a self-hosted cluster: JWTs signed with a key made for the run, whose
 * public half is served as a JSON Web Key Set for the Temporal server's default claim mapper. A key
 * names its permissions as the mapper reads them (`<namespace>:<role>`, `temporal-system:admin`).
 */
export async function startApiKeyIssuer() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: KEY_ID, alg: 'RS256', use: 'sig' };
  const server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    issue(subject: string, permissions: string[]): string {
      return jwt.sign({ sub: subject, permissions }, privateKey, {
        algorithm: 'RS256',
        keyid: KEY_ID,
        expiresIn: KEY_LIFETIME,
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
