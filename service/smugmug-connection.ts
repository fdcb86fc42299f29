import { albumFilter } from '../common/album-filter';
import type { AlbumRef } from '../common/records';
import { accountKey, type CredentialStore } from '../config/credential-store';
import { SmugMugAccounts } from '../smugmug/accounts';
import type { SmugMugClient } from '../smugmug/client';
import { type SmugMugAccess, SmugMugLogin } from '../smugmug/oauth-login';
import type { ServiceSettings } from './settings';

/** A SmugMug account the service may migrate: connected in the web app, or by the worker's environment. */
export interface Connection {
  account?: string;
  access?: string;
  permissions?: string;
  /** Where its token is kept: the web app's credential store, or the environment (an operator's). */
  source: 'web app' | 'environment';
  /** Why the account could not be read with its token. */
  problem?: string;
}

/** Where SmugMug issues an app's API key and secret. */
export const SMUGMUG_API_KEY_PAGE = 'https://api.smugmug.com/api/developer/apply';

/** A request token handed out and not yet come back: whose session asked, and for what. */
interface PendingAuthorization {
  secret: string;
  sessionId: string;
  access: SmugMugAccess;
  expiresAt: number;
}

/** SmugMug gives the owner this long to allow access; a request token older than that is refused. */
const AUTHORIZATION_MINUTES = 15;
/** A page waits this long for SmugMug to say who the connected account is. */
const SMUGMUG_ANSWER_MS = 10_000;
/** An account's album list, read for the live count of matching albums, is kept this long. */
const ALBUM_LIST_MINUTES = 5;
/** Who the environment's token belongs to is asked of SmugMug once in this long. */
const ENVIRONMENT_ACCOUNT_MINUTES = 10;

/**
 * The SmugMug side of the service: its app (key and secret, entered once and checked by SmugMug),
 * connecting accounts through the OAuth 1.0a callback flow (a request token whose callback is this
 * app, the owner's approval on SmugMug, the access token for the verifier), each account's token
 * kept encrypted in the credential store where the workers read it at their next activity, and
 * disconnecting one. The request token's secret stays in this process (never in a page or a
 * cookie), so the callback must reach the replica that sent the owner to SmugMug, within
 * AUTHORIZATION_MINUTES.
 */
export class SmugMugConnection {
  private readonly pending = new Map<string, PendingAuthorization>();
  private readonly albumLists = new Map<string, { albums: AlbumRef[]; until: number }>();
  private readonly accountsOf: SmugMugAccounts;
  private environmentAccount?: { connection: Connection; until: number };

  constructor(
    private readonly settings: ServiceSettings,
    private readonly store: CredentialStore,
  ) {
    this.accountsOf = new SmugMugAccounts(settings, store);
  }

  /** The app's key and secret, and where they are set; undefined until someone enters them. */
  async app(): Promise<{ key: string; secret: string; source: Connection['source'] } | undefined> {
    const { smugmugApp } = await this.store.read();
    if (smugmugApp) return { ...smugmugApp, source: 'web app' };
    const { SMUGMUG_API_KEY: key, SMUGMUG_API_SECRET: secret } = this.settings;
    return key && secret ? { key, secret, source: 'environment' } : undefined;
  }

  /** Keeps the app's key and secret once SmugMug accepts them (it hands out a request token); else says why not. */
  async saveApp(key: string, secret: string): Promise<string | undefined> {
    if (!key || !secret) return 'Enter both the API key and its secret.';
    try {
      await new SmugMugLogin(this.settings.SMUGMUG_API_BASE_URL, { key, secret }).requestToken('oob');
    } catch (err) {
      return `SmugMug did not accept this API key and secret (${(err as Error).message}). Copy both again from your SmugMug account's API keys.`;
    }
    await this.store.update((stored) => {
      stored.smugmugApp = { key, secret };
    });
    return undefined;
  }

  /** Where the owner goes to allow access; SmugMug sends them back to `callbackUrl`. */
  async start(callbackUrl: string, sessionId: string, access: SmugMugAccess): Promise<string> {
    const login = await this.login();
    const token = await login.requestToken(callbackUrl);
    this.dropExpired();
    this.pending.set(token.key, {
      secret: token.secret,
      sessionId,
      access,
      expiresAt: Date.now() + AUTHORIZATION_MINUTES * 60_000,
    });
    return login.authorizeUrl(token, access);
  }

  /**
   * The owner is back: the request token must be one this app handed to this session, unexpired and
   * unused; then the access token is kept as the account's (SmugMug says whose it is). Returns the
   * account's nickname, or undefined for any other request token.
   */
  async finish(requestToken: string, verifier: string, sessionId: string): Promise<string | undefined> {
    this.dropExpired();
    const pending = this.pending.get(requestToken);
    if (!pending || pending.sessionId !== sessionId) return undefined;
    this.pending.delete(requestToken);
    const token = await (await this.login()).accessToken({ key: requestToken, secret: pending.secret }, verifier);
    const app = (await this.app())!;
    const user = await this.accountsOf.clientWith(app, token).authUser(AbortSignal.timeout(SMUGMUG_ANSWER_MS));
    await this.store.update((stored) => {
      stored.accounts[accountKey(user.NickName)] = {
        nickname: user.NickName,
        token,
        ...pending.access,
        connectedAt: new Date().toISOString(),
      };
    });
    return user.NickName;
  }

  /** Stops the service reading the account: its token is forgotten, and its runs' next activities fail saying so. */
  async disconnect(account: string): Promise<void> {
    await this.store.update((stored) => {
      const entry = stored.accounts[accountKey(account)];
      if (entry)
        stored.accounts[accountKey(account)] = { nickname: entry.nickname, disconnectedAt: new Date().toISOString() };
    });
  }

  /** The accounts the service may migrate now: those connected in the web app, then the environment's. */
  async accounts(): Promise<Connection[]> {
    const { accounts } = await this.store.read();
    const connected: Connection[] = Object.values(accounts)
      .filter((a) => a.token)
      .map((a) => ({ account: a.nickname, access: a.access, permissions: a.permissions, source: 'web app' }));
    const fromEnvironment = await this.environment();
    if (fromEnvironment && !connected.some((c) => c.account?.toLowerCase() === fromEnvironment.account?.toLowerCase()))
      connected.push(fromEnvironment);
    return connected;
  }

  /**
   * How many of the account's albums the include patterns match (as a migration's discovery will).
   * The album list is read once and kept ALBUM_LIST_MINUTES, so typing patterns costs SmugMug nothing.
   */
  async matchingAlbums(account: string, include: string[]): Promise<{ matching: number; total: number } | string> {
    const albums = await this.albumsOf(account);
    if (typeof albums === 'string') return albums;
    const keep = albumFilter({ include, exclude: [] });
    return { matching: albums.filter(keep).length, total: albums.length };
  }

  private async albumsOf(account: string): Promise<AlbumRef[] | string> {
    const cached = this.albumLists.get(accountKey(account));
    if (cached && cached.until > Date.now()) return cached.albums;
    let client: SmugMugClient;
    try {
      client = await this.accountsOf.clientFor(account);
    } catch {
      return 'Connect your SmugMug account to count its albums.';
    }
    try {
      const signal = AbortSignal.timeout(SMUGMUG_ANSWER_MS * 3);
      const user = await client.accountUser(account, signal);
      const albums: AlbumRef[] = [];
      for await (const album of client.albums(user, signal)) albums.push(album);
      this.albumLists.set(accountKey(account), { albums, until: Date.now() + ALBUM_LIST_MINUTES * 60_000 });
      return albums;
    } catch {
      return 'SmugMug did not list the albums just now.';
    }
  }

  /** The account of the environment's token (SMUGMUG_ACCESS_TOKEN), as SmugMug names it. */
  private async environment(): Promise<Connection | undefined> {
    if (!this.settings.SMUGMUG_ACCESS_TOKEN) return undefined;
    if (this.environmentAccount && this.environmentAccount.until > Date.now())
      return this.environmentAccount.connection;
    // A run that names no account gets the environment's token and app: the same client here.
    const client = await this.accountsOf.clientFor(undefined).catch(() => undefined);
    if (!client) return undefined;
    let connection: Connection;
    try {
      const user = await client.authUser(AbortSignal.timeout(SMUGMUG_ANSWER_MS));
      connection = { account: user.NickName, source: 'environment' };
    } catch {
      connection = {
        source: 'environment',
        problem: "SmugMug does not accept the token in the service's environment.",
      };
    }
    this.environmentAccount = { connection, until: Date.now() + ENVIRONMENT_ACCOUNT_MINUTES * 60_000 };
    return connection;
  }

  private async login(): Promise<SmugMugLogin> {
    const app = await this.app();
    if (!app) throw new Error('No SmugMug API key yet: enter it in Setup first.');
    return new SmugMugLogin(this.settings.SMUGMUG_API_BASE_URL, app);
  }

  private dropExpired(): void {
    const now = Date.now();
    for (const [key, p] of this.pending) if (p.expiresAt <= now) this.pending.delete(key);
  }
}
