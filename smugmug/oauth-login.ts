import { createHmac } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import OAuth from 'oauth-1.0a';

/** What the app asks SmugMug for: Full sees every album; Modify lets approved deletions happen. */
export type SmugMugAccess = { access: 'Full' | 'Public'; permissions: 'Read' | 'Modify' };
export type OAuthToken = { key: string; secret: string };

/**
 * SmugMug's OAuth 1.0a authorization, for the CLI's PIN flow and the web app's callback flow: a
 * request token, the page where the account owner allows access, and the access token for the
 * verifier SmugMug gives back, stored where the worker reads it.
 */
export class SmugMugLogin {
  private readonly oauth: OAuth;
  private readonly base: string;

  constructor(
    readonly apiBaseUrl: string,
    private readonly consumer: OAuthToken,
  ) {
    this.base = `${apiBaseUrl.replace(/\/+$/, '')}/services/oauth/1.0a`;
    this.oauth = new OAuth({
      consumer,
      signature_method: 'HMAC-SHA1',
      hash_function: (b, key) => createHmac('sha1', key).update(b).digest('base64'),
    });
  }

  /** A request token; `callback` is the app's page SmugMug sends the owner back to, or `oob` for a PIN. */
  async requestToken(callback: string): Promise<OAuthToken> {
    const body = await this.post(`${this.base}/getRequestToken`, { oauth_callback: callback });
    return { key: body.get('oauth_token')!, secret: body.get('oauth_token_secret')! };
  }

  authorizeUrl(requestToken: OAuthToken, { access, permissions }: SmugMugAccess): string {
    return `${this.base}/authorize?oauth_token=${encodeURIComponent(requestToken.key)}&Access=${access}&Permissions=${permissions}`;
  }

  async accessToken(requestToken: OAuthToken, verifier: string): Promise<OAuthToken> {
    const body = await this.post(`${this.base}/getAccessToken`, { oauth_verifier: verifier }, requestToken);
    return { key: body.get('oauth_token')!, secret: body.get('oauth_token_secret')! };
  }

  /** Writes the tokens, readable by their owner only, where the worker reads them (smugmug/credentials.ts). */
  async store(out: string, token: OAuthToken, granted?: SmugMugAccess): Promise<void> {
    await mkdir(dirname(out), { recursive: true, mode: 0o700 });
    const lines = [
      `SMUGMUG_API_BASE_URL=${this.apiBaseUrl}`,
      `SMUGMUG_API_KEY=${this.consumer.key}`,
      `SMUGMUG_API_SECRET=${this.consumer.secret}`,
      `SMUGMUG_ACCESS_TOKEN=${token.key}`,
      `SMUGMUG_ACCESS_TOKEN_SECRET=${token.secret}`,
      ...(granted ? [`SMUGMUG_ACCESS=${granted.access}`, `SMUGMUG_PERMISSIONS=${granted.permissions}`] : []),
    ];
    await writeFile(out, `${lines.join('\n')}\n`, { mode: 0o600 });
    await chmod(out, 0o600);
  }

  private async post(url: string, data: Record<string, string>, token?: OAuthToken) {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        Authorization: this.oauth.toHeader(this.oauth.authorize({ url, method: 'POST', data }, token)).Authorization,
      },
    });
    const body = new URLSearchParams(await res.text());
    if (!res.ok)
      throw new Error(
        `SmugMug refused ${new URL(url).pathname}: ${body.get('oauth_problem') ?? res.status} ${body.get('oauth_problem_advice') ?? ''}`.trim(),
      );
    return body;
  }
}
