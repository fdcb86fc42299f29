import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, type SandboxContext } from './context';
import { type Access, OAuthError, oauthEncode, type Permissions } from './oauth-server';
import { readBody, type Responses } from './responses';

/**
 * SmugMug's OAuth 1.0a endpoints (`/services/oauth/1.0a/…`): a request token (with a callback, or
 * `oob` for a PIN), the owner's authorization (approved at once: the sandbox has one user), and the
 * access token for the verifier.
 */
export class OAuthRoutes {
  constructor(
    private readonly sandbox: SandboxContext,
    private readonly send: Responses,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const { oauth } = this.sandbox;
    this.sandbox.counters.requests.oauth += 1;
    const step = url.pathname.replace('/services/oauth/1.0a/', '');
    const form = (status: number, fields: Record<string, string>) => {
      const body = Buffer.from(
        Object.entries(fields)
          .map(([k, v]) => `${oauthEncode(k)}=${oauthEncode(v)}`)
          .join('&'),
      );
      void this.send.buffer(res, status, body, 'application/x-www-form-urlencoded', undefined, {});
    };
    try {
      if (step === 'authorize') return this.authorize(res, url);
      const body = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
        ? await readBody(req)
        : undefined;
      if (step === 'getRequestToken') {
        const caller = oauth.verify(req, url, body, 'none');
        const token = oauth.issueRequestToken(caller.oauthParams.oauth_callback);
        return form(200, {
          oauth_token: token.token,
          oauth_token_secret: token.secret,
          oauth_callback_confirmed: 'true',
        });
      }
      if (step === 'getAccessToken') {
        const caller = oauth.verify(req, url, body, 'request');
        const token = oauth.exchange(caller.oauthParams.oauth_token, caller.oauthParams.oauth_verifier);
        return form(200, { oauth_token: token.token, oauth_token_secret: token.secret });
      }
      throw new HttpError(404, 'Not Found');
    } catch (err) {
      if (err instanceof OAuthError)
        return form(401, { oauth_problem: err.problem, oauth_problem_advice: err.message });
      throw err;
    }
  }

  /** The owner allows the app: back to its callback with the verifier, or a page showing the PIN. */
  private authorize(res: ServerResponse, url: URL): void {
    const access: Access = url.searchParams.get('Access') === 'Full' ? 'Full' : 'Public';
    const perm = url.searchParams.get('Permissions');
    const permissions: Permissions = perm === 'Modify' || perm === 'Add' ? perm : 'Read';
    const token = this.sandbox.oauth.authorize(
      url.searchParams.get('oauth_token') ?? '',
      access,
      permissions,
      this.sandbox.signedIn,
    );
    // Real SmugMug asks the user to sign in first; the sandbox's only user approves at once.
    if (token.callback !== 'oob') {
      // The web flow: back to the app's callback with the token and its verifier, as SmugMug does.
      const back = new URL(token.callback);
      back.searchParams.set('oauth_token', token.token);
      back.searchParams.set('oauth_verifier', token.verifier!);
      res.writeHead(302, { Location: back.toString() });
      return void res.end();
    }
    const page = `<!doctype html><html><head><meta charset="utf-8"><title>Authorize app - SmugMug sandbox</title></head>
<body><h1>SmugMug sandbox</h1><p>${this.sandbox.library.nickname} allowed the app access <b>${access}</b> with permissions <b>${permissions}</b>.</p>
<p>Your six-digit code: <b id="verifier">${token.verifier}</b></p></body></html>`;
    void this.send.buffer(res, 200, Buffer.from(page), 'text/html; charset=utf-8', undefined, {});
  }
}
