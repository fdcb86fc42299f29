import { createHmac } from 'node:crypto';
import OAuth from 'oauth-1.0a';

export interface OAuthToken {
  token: string;
  secret: string;
}

/** An OAuth 1.0a client from a maintained library, independent of the sandbox's own verifier. */
export function oauthSigner(consumerKey: string, consumerSecret: string): OAuth {
  return new OAuth({
    consumer: { key: consumerKey, secret: consumerSecret },
    signature_method: 'HMAC-SHA1',
    hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
  });
}

/** fetch with an `Authorization: OAuth …` header signed for `url` (its query parameters included). */
export function signedFetch(
  signer: OAuth,
  url: string,
  token: OAuthToken | undefined,
  init: RequestInit & { data?: Record<string, string> } = {},
): Promise<Response> {
  const method = init.method ?? 'GET';
  const auth = signer.toHeader(
    signer.authorize({ url, method, data: init.data }, token ? { key: token.token, secret: token.secret } : undefined),
  );
  return fetch(url, {
    ...init,
    method,
    headers: {
      Accept: 'application/json',
      ...(init.headers as Record<string, string>),
      Authorization: auth.Authorization,
    },
  });
}
