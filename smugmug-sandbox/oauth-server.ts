import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type Access = 'Public' | 'Full';
export type Permissions = 'Read' | 'Add' | 'Modify';

export interface AccessToken {
  token: string;
  secret: string;
  access: Access;
  permissions: Permissions;
  /** The account that approved it; unset: the library's owner. */
  nickname?: string;
}

interface RequestToken {
  token: string;
  secret: string;
  callback: string;
  expiresAt: number;
  verifier?: string;
  access?: Access;
  permissions?: Permissions;
  nickname?: string;
}

/** Who a verified request acts as: the app alone (APIKey or request-token calls) or a user's token. */
export interface Caller {
  consumerKey: string;
  accessToken?: AccessToken;
  oauthParams: Record<string, string>;
}

export class OAuthError extends Error {
  constructor(
    readonly problem: string,
    message: string,
  ) {
    super(message);
  }
}

/** RFC 3986 percent-encoding, as OAuth 1.0a (RFC 5849 §3.6) requires. */
export function oauthEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decodeForm(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

export function parseAuthorizationHeader(header: string | undefined): Record<string, string> {
  const params: Record<string, string> = {};
  if (!header || !/^OAuth\s/i.test(header)) return params;
  for (const m of header.slice(6).matchAll(/([A-Za-z0-9_-]+)="([^"]*)"/g)) {
    if (m[1] !== 'realm') params[m[1]] = decodeURIComponent(m[2]);
  }
  return params;
}

/** The signature base string of RFC 5849 §3.4.1, built from the request exactly as received. */
export function signatureBaseString(method: string, baseUri: string, params: Array<[string, string]>): string {
  const normalized = params
    .map(([k, v]) => [oauthEncode(k), oauthEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  return [method.toUpperCase(), oauthEncode(baseUri), oauthEncode(normalized)].join('&');
}

const TIMESTAMP_WINDOW_SECONDS = 300;
const REQUEST_TOKEN_LIFETIME_MS = 5 * 60_000;

/** The OAuth 1.0a provider side: one registered app, its tokens, and signature/nonce/timestamp checks. */
export class OAuthProvider {
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly requestTokens = new Map<string, RequestToken>();
  private readonly seenNonces = new Map<string, number>();

  constructor(
    readonly consumerKey: string,
    private readonly consumerSecret: string,
    private readonly now: () => number = Date.now,
  ) {}

  addAccessToken(token: AccessToken): void {
    this.accessTokens.set(token.token, token);
  }

  revokeAccessToken(token: string): boolean {
    return this.accessTokens.delete(token);
  }

  /**
   * Checks a request signed with HMAC-SHA1 (header or query parameters). `body` holds form-encoded
   * parameters when the request has them. Throws OAuthError on any failure.
   */
  verify(req: IncomingMessage, url: URL, body: string | undefined, tokenKind: 'access' | 'request' | 'none'): Caller {
    const headerParams = parseAuthorizationHeader(req.headers.authorization);
    const queryPairs = [...url.searchParams.entries()];
    const bodyPairs: Array<[string, string]> = body
      ? body
          .split('&')
          .filter(Boolean)
          .map((kv) => {
            const [k, v = ''] = kv.split('=');
            return [decodeForm(k), decodeForm(v)];
          })
      : [];
    const oauth: Record<string, string> = { ...headerParams };
    for (const [k, v] of [...queryPairs, ...bodyPairs]) if (k.startsWith('oauth_')) oauth[k] = v;

    if (!oauth.oauth_consumer_key)
      throw new OAuthError('parameter_absent', 'Missing OAuth signature: sign the request with OAuth 1.0a');
    if (oauth.oauth_consumer_key !== this.consumerKey) throw new OAuthError('consumer_key_unknown', 'Invalid API key');
    if (oauth.oauth_signature_method !== 'HMAC-SHA1')
      throw new OAuthError('signature_method_rejected', 'Only HMAC-SHA1 signatures are accepted over plain HTTP');
    if (oauth.oauth_version && oauth.oauth_version !== '1.0')
      throw new OAuthError('version_rejected', 'oauth_version must be 1.0');
    const timestamp = Number(oauth.oauth_timestamp);
    if (!Number.isInteger(timestamp) || Math.abs(this.now() / 1000 - timestamp) > TIMESTAMP_WINDOW_SECONDS) {
      throw new OAuthError('timestamp_refused', 'OAuth timestamp is missing or outside the allowed window');
    }
    if (!oauth.oauth_nonce) throw new OAuthError('parameter_absent', 'Missing OAuth nonce');

    let tokenSecret = '';
    let accessToken: AccessToken | undefined;
    if (tokenKind === 'access') {
      accessToken = this.accessTokens.get(oauth.oauth_token ?? '');
      if (!accessToken) throw new OAuthError('token_rejected', 'Invalid or revoked access token');
      tokenSecret = accessToken.secret;
    } else if (tokenKind === 'request') {
      const requestToken = this.requestTokens.get(oauth.oauth_token ?? '');
      if (!requestToken || requestToken.expiresAt < this.now())
        throw new OAuthError('token_expired', 'Invalid or expired request token');
      tokenSecret = requestToken.secret;
    }

    const params: Array<[string, string]> = [
      ...Object.entries(headerParams).filter(([k]) => k !== 'oauth_signature'),
      ...queryPairs.filter(([k]) => k !== 'oauth_signature'),
      ...bodyPairs.filter(([k]) => k !== 'oauth_signature'),
    ];
    const host = (req.headers.host ?? '').toLowerCase().replace(/:80$/, '');
    const base = signatureBaseString(req.method ?? 'GET', `http://${host}${url.pathname}`, params);
    const expected = createHmac('sha1', `${oauthEncode(this.consumerSecret)}&${oauthEncode(tokenSecret)}`)
      .update(base)
      .digest();
    const given = Buffer.from(oauth.oauth_signature ?? '', 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new OAuthError('signature_invalid', 'Invalid OAuth signature');
    }

    // A nonce is remembered for the timestamp window; any reuse in it is a replay.
    const nonceKey = `${oauth.oauth_consumer_key}&${oauth.oauth_token ?? ''}&${oauth.oauth_nonce}`;
    const nowSeconds = this.now() / 1000;
    if (this.seenNonces.has(nonceKey)) throw new OAuthError('nonce_used', 'OAuth nonce was already used');
    this.seenNonces.set(nonceKey, nowSeconds);
    if (this.seenNonces.size > 100_000) {
      for (const [key, at] of this.seenNonces)
        if (nowSeconds - at > TIMESTAMP_WINDOW_SECONDS) this.seenNonces.delete(key);
    }
    return { consumerKey: this.consumerKey, accessToken, oauthParams: oauth };
  }

  issueRequestToken(callback: string | undefined): RequestToken {
    if (!callback) throw new OAuthError('parameter_absent', 'oauth_callback is required (use oob for a PIN)');
    const token: RequestToken = {
      token: randomBytes(16).toString('hex'),
      secret: randomBytes(16).toString('hex'),
      callback,
      expiresAt: this.now() + REQUEST_TOKEN_LIFETIME_MS,
    };
    this.requestTokens.set(token.token, token);
    return token;
  }

  /** The user approves the app at the authorize page; returns the six-digit verifier (PIN). */
  authorize(requestToken: string, access: Access, permissions: Permissions, nickname?: string): RequestToken {
    const token = this.requestTokens.get(requestToken);
    if (!token || token.expiresAt < this.now())
      throw new OAuthError('token_expired', 'Invalid or expired request token');
    token.verifier = String(randomInt(0, 1_000_000)).padStart(6, '0');
    token.access = access;
    token.permissions = permissions;
    token.nickname = nickname;
    return token;
  }

  /** Exchanges an authorized request token (single use) and its verifier for a long-lived access token. */
  exchange(requestToken: string, verifier: string | undefined): AccessToken {
    const token = this.requestTokens.get(requestToken);
    if (!token || !token.verifier || !token.access || !token.permissions)
      throw new OAuthError('token_rejected', 'Request token was not authorized');
    if (verifier !== token.verifier) throw new OAuthError('verifier_invalid', 'Invalid oauth_verifier');
    this.requestTokens.delete(requestToken);
    const access: AccessToken = {
      token: randomBytes(16).toString('hex'),
      secret: randomBytes(24).toString('hex'),
      access: token.access,
      permissions: token.permissions,
      nickname: token.nickname,
    };
    this.addAccessToken(access);
    return access;
  }
}
