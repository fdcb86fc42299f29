import { createHmac } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Interface } from 'node:readline/promises';
import OAuth from 'oauth-1.0a';

export interface LoginOptions {
  apiBaseUrl: string;
  consumerKey: string;
  consumerSecret: string;
  out: string;
  prompt: Interface;
  print: (line: string) => void;
}

/**
 * The OAuth 1.0a PIN flow: a request token (oob), the authorize URL for the user to open
 * (Access=Full to see every album, Permissions=Modify so approved deletions can happen), the
 * six-digit code they are shown, and the long-lived access token, stored where the worker reads it.
 */
export async function login(o: LoginOptions): Promise<string> {
  const base = `${o.apiBaseUrl.replace(/\/+$/, '')}/services/oauth/1.0a`;
  const oauth = new OAuth({
    consumer: { key: o.consumerKey, secret: o.consumerSecret },
    signature_method: 'HMAC-SHA1',
    hash_function: (b, key) => createHmac('sha1', key).update(b).digest('base64'),
  });
  const post = async (url: string, data: Record<string, string>, token?: OAuth.Token) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { Authorization: oauth.toHeader(oauth.authorize({ url, method: 'POST', data }, token)).Authorization },
    });
    const body = new URLSearchParams(await res.text());
    if (!res.ok)
      throw new Error(
        `SmugMug refused ${new URL(url).pathname}: ${body.get('oauth_problem') ?? res.status} ${body.get('oauth_problem_advice') ?? ''}`.trim(),
      );
    return body;
  };

  const request = await post(`${base}/getRequestToken`, { oauth_callback: 'oob' });
  const requestToken = { key: request.get('oauth_token')!, secret: request.get('oauth_token_secret')! };
  o.print(
    `Open this page, sign in to SmugMug and allow access:\n  ${base}/authorize?oauth_token=${requestToken.key}&Access=Full&Permissions=Modify`,
  );
  const pin = (await o.prompt.question('Six-digit code shown by SmugMug: ')).trim();
  if (!/^\d{6}$/.test(pin)) throw new Error('The code is six digits');
  const access = await post(`${base}/getAccessToken`, { oauth_verifier: pin }, requestToken);

  await mkdir(dirname(o.out), { recursive: true, mode: 0o700 });
  const lines = [
    `SMUGMUG_API_BASE_URL=${o.apiBaseUrl}`,
    `SMUGMUG_API_KEY=${o.consumerKey}`,
    `SMUGMUG_API_SECRET=${o.consumerSecret}`,
    `SMUGMUG_ACCESS_TOKEN=${access.get('oauth_token')}`,
    `SMUGMUG_ACCESS_TOKEN_SECRET=${access.get('oauth_token_secret')}`,
  ];
  await writeFile(o.out, `${lines.join('\n')}\n`, { mode: 0o600 });
  await chmod(o.out, 0o600);
  return o.out;
}
