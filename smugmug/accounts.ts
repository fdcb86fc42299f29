import { ApplicationFailure } from '@temporalio/common';
import { errorType } from '../common/error-types';
import { accountKey, type CredentialStore, type StoredCredentials } from '../config/credential-store';
import { SmugMugClient } from './client';
import type { SmugMugEnvSettings } from './credentials';

/**
 * The SmugMug client of each account, read when it is needed: the token the web app stored for the
 * account (the credential store), else the one in the worker's environment (an operator's single
 * account). A token connected, replaced or disconnected in the web app takes effect at the next
 * activity, with no restart; a disconnected account's activities fail at once.
 */
export class SmugMugAccounts {
  private readonly clients = new Map<string, SmugMugClient>();

  constructor(
    private readonly settings: SmugMugEnvSettings,
    private readonly store?: CredentialStore,
    /** Told of every 429 SmugMug answers (the worker takes fewer files at once). */
    private readonly onRateLimited?: () => void,
  ) {}

  /** The client for `account`'s requests; unset (a run older than the fairness key): the environment's. */
  async clientFor(account: string | undefined): Promise<SmugMugClient> {
    const stored = this.store ? await this.store.read() : undefined;
    const entry = account === undefined ? undefined : stored?.accounts[accountKey(account)];
    if (entry && !entry.token)
      throw ApplicationFailure.nonRetryable(
        `SmugMug access was disconnected for ${entry.nickname}${entry.disconnectedAt ? ` (${entry.disconnectedAt})` : ''}: ` +
          'connect the account again in the web app (SmugMug account) to go on.',
        errorType('SmugMugDisconnected'),
      );
    if (entry?.token) return this.clientWith(this.app(stored), entry.token);
    const { SMUGMUG_ACCESS_TOKEN: key, SMUGMUG_ACCESS_TOKEN_SECRET: secret } = this.settings;
    if (key && secret) return this.clientWith(this.app(undefined), { key, secret });
    throw ApplicationFailure.nonRetryable(
      `No SmugMug access for ${account ?? 'this migration'}: connect the account in the web app (SmugMug account), ` +
        'or give the worker SMUGMUG_ACCESS_TOKEN and SMUGMUG_ACCESS_TOKEN_SECRET in its environment.',
      errorType('SmugMugNotConnected'),
    );
  }

  /** The app a token belongs to: the one entered in the web app, else the environment's. */
  private app(stored: StoredCredentials | undefined): { key: string; secret: string } {
    if (stored?.smugmugApp) return stored.smugmugApp;
    const { SMUGMUG_API_KEY: key, SMUGMUG_API_SECRET: secret } = this.settings;
    if (key && secret) return { key, secret };
    throw ApplicationFailure.nonRetryable(
      'No SmugMug API key: enter it in the web app (Setup), or give the worker SMUGMUG_API_KEY and SMUGMUG_API_SECRET.',
      errorType('SmugMugNotConnected'),
    );
  }

  /** A client of this app and token (kept: one per pair). */
  clientWith(app: { key: string; secret: string }, token: { key: string; secret: string }): SmugMugClient {
    const id = [app.key, app.secret, token.key, token.secret].join('\n');
    let client = this.clients.get(id);
    if (!client) {
      client = new SmugMugClient(
        {
          SMUGMUG_API_BASE_URL: this.settings.SMUGMUG_API_BASE_URL,
          SMUGMUG_UPLOAD_URL: this.settings.SMUGMUG_UPLOAD_URL,
          SMUGMUG_API_KEY: app.key,
          SMUGMUG_API_SECRET: app.secret,
          SMUGMUG_ACCESS_TOKEN: token.key,
          SMUGMUG_ACCESS_TOKEN_SECRET: token.secret,
        },
        this.onRateLimited,
      );
      this.clients.set(id, client);
    }
    return client;
  }
}
