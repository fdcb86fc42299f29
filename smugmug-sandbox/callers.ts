import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpError, type SandboxContext } from './context';
import { type Caller, OAuthError, type Permissions } from './oauth-server';

const PERMISSION_RANK: Record<Permissions, number> = { Read: 0, Add: 1, Modify: 2 };

/** Who calls the API (or fetches signed media), what they may do, and how many requests they have left. */
export class Callers {
  private readonly rateWindows = new Map<string, { resetAt: number; used: number }>();

  constructor(private readonly sandbox: SandboxContext) {}

  /** The caller of a request: its app and token, checked as SmugMug checks OAuth 1.0a signatures. */
  authenticate(req: IncomingMessage, url: URL): Caller {
    const { options, oauth } = this.sandbox;
    // APIKey= without a signature reads public data, as SmugMug allows.
    const apiKey = url.searchParams.get('APIKey');
    if (apiKey && !req.headers.authorization && !url.searchParams.has('oauth_signature')) {
      if (apiKey !== options.consumerKey) throw new HttpError(401, 'Invalid API key');
      if (req.method !== 'GET' && req.method !== 'HEAD')
        throw new HttpError(401, 'Unauthorized: an OAuth access token is required');
      return { consumerKey: apiKey, oauthParams: {} };
    }
    try {
      return oauth.verify(req, url, undefined, 'access');
    } catch (err) {
      if (err instanceof OAuthError)
        throw new HttpError(401, `Unauthorized: ${err.message} (oauth_problem=${err.problem})`);
      throw err;
    }
  }

  /** Counts the request in its user and app's window, with SmugMug's X-RateLimit headers; 429 past the limit. */
  checkRateLimit(res: ServerResponse, caller: Caller): void {
    const { rateLimit } = this.sandbox.options;
    const key = `${caller.consumerKey}&${caller.accessToken?.token ?? ''}`;
    const now = Date.now();
    let window = this.rateWindows.get(key);
    if (!window || window.resetAt <= now) {
      window = { resetAt: now + rateLimit.windowSeconds * 1000, used: 0 };
      this.rateWindows.set(key, window);
    }
    window.used += 1;
    res.setHeader('X-RateLimit-Limit', String(rateLimit.requests));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, rateLimit.requests - window.used)));
    res.setHeader('X-RateLimit-Reset', String(Math.ceil(window.resetAt / 1000)));
    if (window.used > rateLimit.requests) {
      throw new HttpError(429, 'Too Many Requests', {
        'Retry-After': String(Math.max(1, Math.ceil((window.resetAt - now) / 1000))),
      });
    }
  }

  /** Deleting needs a token the owner granted Permissions=Modify. */
  requireModify(caller: Caller): void {
    const granted = caller.accessToken?.permissions ?? 'Read';
    if (PERMISSION_RANK[granted] < PERMISSION_RANK.Modify) {
      throw new HttpError(
        401,
        'The user has not granted the required permissions: this action needs Permissions=Modify',
      );
    }
  }
}
