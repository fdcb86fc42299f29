import { ApplicationFailure } from '@temporalio/common';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore } from '../../config/credential-store';
import { SmugMugAccounts } from '../../smugmug/accounts';
import { SmugMugEnvSettings } from '../../smugmug/credentials';
import { loadWorkerConfig } from '../../worker/config';

const TOKEN = { key: 'token-key-0123456789abcdef', secret: 'token-secret-0123456789abcdef' };
const APP = { key: 'app-key-0123456789', secret: 'app-secret-0123456789abcdef' };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'credential-store-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the credential store', () => {
  test('keeps what is written encrypted, readable by its owner only, and reads it back', async () => {
    const store = new CredentialStore(join(dir, 'credentials.enc'));
    expect(await store.read()).toEqual({ accounts: {} });
    await store.update((s) => {
      s.smugmugApp = APP;
      s.accounts.studio = { nickname: 'Studio', token: TOKEN };
    });
    const onDisk = await readFile(store.path, 'utf8');
    for (const secret of [APP.secret, TOKEN.key, TOKEN.secret, 'Studio']) expect(onDisk).not.toContain(secret);
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect((await stat(store.keyPath)).mode & 0o777).toBe(0o600);
    // Another process (a worker) reads what this one wrote.
    expect((await new CredentialStore(store.path).read()).accounts.studio.token).toEqual(TOKEN);
  });

  test('a file that does not open with its key is refused, not read as empty', async () => {
    const store = new CredentialStore(join(dir, 'credentials.enc'));
    await store.update((s) => {
      s.bucket = 'photos';
    });
    await writeFile(store.keyPath, Buffer.alloc(32, 7).toString('base64'));
    await expect(new CredentialStore(store.path).read()).rejects.toThrow(/do not open with the key/);
  });
});

describe("each account's SmugMug client, read when needed", () => {
  const env = SmugMugEnvSettings.parse({ SMUGMUG_API_KEY: 'env-key', SMUGMUG_API_SECRET: 'env-secret' });
  const failureOf = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (err: ApplicationFailure) => ({ type: err.type, nonRetryable: err.nonRetryable, message: err.message }),
    );

  test('an account connected, then disconnected, in the store: its client, then a final failure saying so', async () => {
    const store = new CredentialStore(join(dir, 'credentials.enc'));
    const accounts = new SmugMugAccounts(env, store);
    expect(await failureOf(accounts.clientFor('studio'))).toMatchObject({ type: 'SmugMugNotConnected' });
    await store.update((s) => {
      s.accounts.studio = { nickname: 'Studio', token: TOKEN };
    });
    const client = await accounts.clientFor('STUDIO');
    expect(await accounts.clientFor('studio')).toBe(client);
    await store.update((s) => {
      s.accounts.studio = { nickname: 'Studio', disconnectedAt: '2026-12-06T20:00:00Z' };
    });
    expect(await failureOf(accounts.clientFor('studio'))).toMatchObject({
      type: 'SmugMugDisconnected',
      nonRetryable: true,
      message: expect.stringContaining('SmugMug access was disconnected for Studio'),
    });
  });

  test("the environment's token serves an account the store does not know, and runs without an account", async () => {
    const store = new CredentialStore(join(dir, 'credentials.enc'));
    const withToken = new SmugMugAccounts(
      { ...env, SMUGMUG_ACCESS_TOKEN: 'a', SMUGMUG_ACCESS_TOKEN_SECRET: 'b' },
      store,
    );
    await expect(withToken.clientFor('anyone')).resolves.toBeDefined();
    await expect(withToken.clientFor(undefined)).resolves.toBeDefined();
  });

  test('a worker without a token or a store says what is missing at its start; with a store it starts', async () => {
    const base = {
      PAYLOAD_ENCRYPTION_KEYS: `k1=${Buffer.alloc(32, 1).toString('base64')}`,
      XDG_CONFIG_HOME: dir,
      SMUGMUG_CREDENTIALS_FILE: join(dir, 'none.env'),
    };
    expect(() => loadWorkerConfig(base)).toThrow(
      /SMUGMUG_ACCESS_TOKEN is required \(connect the account in the web app/,
    );
    expect(loadWorkerConfig({ ...base, CREDENTIALS_STORE: join(dir, 'credentials.enc') }).CREDENTIALS_STORE).toBe(
      join(dir, 'credentials.enc'),
    );
  });
});
