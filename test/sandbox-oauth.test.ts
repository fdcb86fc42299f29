import type { RunningSandbox } from '../smugmug-sandbox/server';
import { oauthSigner, signedFetch } from './support/signed-fetch';
import { sandboxClient, startPrivateSandbox } from './support/sandbox-client';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startPrivateSandbox();
});
afterAll(() => sandbox.close());

describe('SmugMug sandbox OAuth 1.0a', () => {
  test("a correctly signed !authuser answers with the user; an unsigned one is refused with SmugMug's error shape", async () => {
    const ok = await sandboxClient(sandbox).json('/api/v2!authuser');
    expect(ok.status).toBe(200);
    expect(ok.body.Response).toMatchObject({ Locator: 'User', LocatorType: 'Object' });
    expect(ok.body.Response.User).toMatchObject({
      NickName: sandbox.library.nickname,
      Uri: `/api/v2/user/${sandbox.library.nickname}`,
    });

    const unsigned = await fetch(`${sandbox.url}/api/v2!authuser`, { headers: { Accept: 'application/json' } });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ Code: 401, Message: expect.stringContaining('OAuth') });
  });

  test('a wrong consumer secret, a wrong token secret, an unknown token and a tampered URL are refused', async () => {
    const { consumerKey, consumerSecret, fullRead } = sandbox.credentials;
    const url = `${sandbox.url}/api/v2!authuser`;
    const wrongConsumer = await signedFetch(oauthSigner(consumerKey, 'not-the-secret'), url, fullRead);
    const wrongTokenSecret = await signedFetch(oauthSigner(consumerKey, consumerSecret), url, {
      token: fullRead.token,
      secret: 'nope',
    });
    const unknownToken = await signedFetch(oauthSigner(consumerKey, consumerSecret), url, {
      token: 'unknown',
      secret: fullRead.secret,
    });
    const signer = oauthSigner(consumerKey, consumerSecret);
    const signedForOther = signer.toHeader(
      signer.authorize(
        { url: `${sandbox.url}/api/v2/user/${sandbox.library.nickname}`, method: 'GET' },
        { key: fullRead.token, secret: fullRead.secret },
      ),
    );
    const tampered = await fetch(url, { headers: { Authorization: signedForOther.Authorization } });
    for (const res of [wrongConsumer, wrongTokenSecret, unknownToken, tampered]) {
      expect(res.status).toBe(401);
      expect((await res.json()) as object).toMatchObject({ Code: 401 });
    }
  });

  test('a replayed nonce and a stale timestamp are refused', async () => {
    const { consumerKey, consumerSecret, fullRead } = sandbox.credentials;
    const signer = oauthSigner(consumerKey, consumerSecret);
    const url = `${sandbox.url}/api/v2!authuser`;
    const auth = signer.toHeader(
      signer.authorize({ url, method: 'GET' }, { key: fullRead.token, secret: fullRead.secret }),
    );
    expect((await fetch(url, { headers: auth as unknown as Record<string, string> })).status).toBe(200);
    const replay = await fetch(url, { headers: auth as unknown as Record<string, string> });
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { Message: string }).Message).toMatch(/nonce/);

    const staleSigner = Object.assign(oauthSigner(consumerKey, consumerSecret), {
      getTimeStamp: () => Math.floor(Date.now() / 1000) - 3600,
    });
    const old = await signedFetch(staleSigner, url, fullRead);
    expect(old.status).toBe(401);
    expect(((await old.json()) as { Message: string }).Message).toMatch(/timestamp/);
  });

  test('query parameters are part of the signature (start/count cannot be changed after signing)', async () => {
    const client = sandboxClient(sandbox);
    const path = `/api/v2/user/${sandbox.library.nickname}!albums?start=1&count=5`;
    expect((await client.json(path)).status).toBe(200);
    const { consumerKey, consumerSecret, fullModify } = sandbox.credentials;
    const signer = oauthSigner(consumerKey, consumerSecret);
    const auth = signer.toHeader(
      signer.authorize(
        { url: `${sandbox.url}${path}`, method: 'GET' },
        { key: fullModify.token, secret: fullModify.secret },
      ),
    );
    const changed = await fetch(`${sandbox.url}${path.replace('count=5', 'count=50')}`, {
      headers: { Authorization: auth.Authorization },
    });
    expect(changed.status).toBe(401);
  });

  test('the PIN flow: request token (oob), authorize page with a six-digit code, access token that works', async () => {
    const { consumerKey, consumerSecret } = sandbox.credentials;
    const signer = oauthSigner(consumerKey, consumerSecret);
    const base = `${sandbox.url}/services/oauth/1.0a`;

    const missingCallback = await signedFetch(signer, `${base}/getRequestToken`, undefined, { method: 'POST' });
    expect(missingCallback.status).toBe(401);
    expect(await missingCallback.text()).toContain('oauth_problem=parameter_absent');

    // The library puts oauth_callback in the Authorization header, where SmugMug clients send it.
    const rt = await signedFetch(signer, `${base}/getRequestToken`, undefined, {
      method: 'POST',
      data: { oauth_callback: 'oob' },
    });
    expect(rt.status).toBe(200);
    const requestToken = new URLSearchParams(await rt.text());
    expect(requestToken.get('oauth_callback_confirmed')).toBe('true');

    const page = await (
      await fetch(`${base}/authorize?oauth_token=${requestToken.get('oauth_token')}&Access=Full&Permissions=Read`)
    ).text();
    const pin = /id="verifier">(\d{6})</.exec(page)?.[1];
    expect(pin).toMatch(/^\d{6}$/);

    const token = { token: requestToken.get('oauth_token')!, secret: requestToken.get('oauth_token_secret')! };
    const exchange = (verifier: string) =>
      signedFetch(signer, `${base}/getAccessToken`, token, { method: 'POST', data: { oauth_verifier: verifier } });
    const wrongPin = await exchange(pin === '000000' ? '000001' : '000000');
    expect(wrongPin.status).toBe(401);
    const at = await exchange(pin!);
    expect(at.status).toBe(200);
    const access = new URLSearchParams(await at.text());
    const accessToken = { token: access.get('oauth_token')!, secret: access.get('oauth_token_secret')! };

    const me = await signedFetch(signer, `${sandbox.url}/api/v2!authuser`, accessToken);
    expect(me.status).toBe(200);
    // The request token is single use.
    expect((await exchange(pin!)).status).toBe(401);
    // The token was granted Read only: deleting is refused.
    const anyImage = [...sandbox.library.images.values()].find((i) => i.original && !i.hidden)!;
    const del = await signedFetch(signer, `${sandbox.url}/api/v2/image/${anyImage.imageKey}-0`, accessToken, {
      method: 'DELETE',
    });
    expect(del.status).toBe(401);
    expect(((await del.json()) as { Message: string }).Message).toMatch(/not granted the required permissions/);
  });

  test('a revoked token stops working', async () => {
    const { consumerKey, consumerSecret } = sandbox.credentials;
    const signer = oauthSigner(consumerKey, consumerSecret);
    const token = { token: sandbox.credentials.publicRead.token, secret: sandbox.credentials.publicRead.secret };
    expect((await signedFetch(signer, `${sandbox.url}/api/v2!authuser`, token)).status).toBe(200);
    expect((await fetch(`${sandbox.url}/__sandbox/revoke?token=${token.token}`, { method: 'POST' })).status).toBe(200);
    expect((await signedFetch(signer, `${sandbox.url}/api/v2!authuser`, token)).status).toBe(401);
  });

  test("the signature base string follows RFC 5849 §3.4.1 (the RFC's own example)", async () => {
    const { signatureBaseString } = await import('../smugmug-sandbox/oauth-server');
    const base = signatureBaseString('POST', 'http://example.com/request', [
      ['b5', '=%3D'],
      ['a3', 'a'],
      ['c@', ''],
      ['a2', 'r b'],
      ['oauth_consumer_key', '9djdj82h48djs9d2'],
      ['oauth_token', 'kkk9d7dh3k39sjv7'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', '7d8f3e4a'],
      ['c2', ''],
      ['a3', '2 q'],
    ]);
    expect(base).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });
});
