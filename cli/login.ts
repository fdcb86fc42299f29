import type { Interface } from 'node:readline/promises';
import { type SmugMugAccess, SmugMugLogin } from '../smugmug/oauth-login';

export interface LoginOptions {
  apiBaseUrl: string;
  consumerKey: string;
  consumerSecret: string;
  out: string;
  prompt: Interface;
  print: (line: string) => void;
}

/** Full to see every album, Modify so approved deletions can happen. */
const ACCESS: SmugMugAccess = { access: 'Full', permissions: 'Modify' };

/**
 * The OAuth 1.0a PIN flow: a request token (oob), the authorize URL for the user to open, the
 * six-digit code they are shown, and the long-lived access token, stored where the worker reads it.
 */
export async function login(o: LoginOptions): Promise<string> {
  const smugmug = new SmugMugLogin(o.apiBaseUrl, { key: o.consumerKey, secret: o.consumerSecret });
  const requestToken = await smugmug.requestToken('oob');
  o.print(`Open this page, sign in to SmugMug and allow access:\n  ${smugmug.authorizeUrl(requestToken, ACCESS)}`);
  const pin = (await o.prompt.question('Six-digit code shown by SmugMug: ')).trim();
  if (!/^\d{6}$/.test(pin)) throw new Error('The code is six digits');
  await smugmug.store(o.out, await smugmug.accessToken(requestToken, pin), ACCESS);
  return o.out;
}
