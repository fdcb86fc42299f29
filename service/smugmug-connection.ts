import { albumFilter } from '../common/album-filter';
import type { AlbumRef } from '../common/records';
import { SmugMugClient } from '../smugmug/client';
import { credentialsFilePath, credentialsFromFile } from '../smugmug/credentials';
import { type OAuthToken, type SmugMugAccess, SmugMugLogin } from '../smugmug/oauth-login';
import type { ServiceSettings } from './settings';

/** The SmugMug account the stored tokens open, and the access it was given. */
export interface Connection {
  account?: string;
  access?: string;
  permissions?: string;
  /** Why the account could not be read with the stored tokens. */
  problem?: string;
}

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

/**
 * Connecting a SmugMug account, the Connect page's side of SmugMug OAuth 1.0a: the callback flow (a request token whose callback
 * is this app, the owner's approval on SmugMug, the access token for the verifier), storing the
 * tokens where the worker reads them, as `smugmug-s3 login` does. The request token's secret stays
 * in this process (never in a page or a cookie), so the callback must reach the replica that sent
 * the owner to SmugMug, within AUTHORIZATION_MINUTES.
 */
export class SmugMugConnection {
  private readonly pending = new Map<string, PendingAuthorization>();
  private readonly albumLists = new Map<string, { albums: AlbumRef[]; until: number }>();
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    private readonly config: Pick<
      ServiceSettings,
      'SMUGMUG_API_BASE_URL' | 'SMUGMUG_API_KEY' | 'SMUGMUG_API_SECRET' | 'SMUGMUG_CREDENTIALS_FILE'
    >,
  ) {
    this.env = { ...process.env, SMUGMUG_CREDENTIALS_FILE: config.SMUGMUG_CREDENTIALS_FILE };
  }

  get configured(): boolean {
    return Boolean(this.config.SMUGMUG_API_KEY && this.config.SMUGMUG_API_SECRET);
  }

  /** Where the owner goes to allow access; SmugMug sends them back to `callbackUrl`. */
  async start(callbackUrl: string, sessionId: string, access: SmugMugAccess): Promise<string> {
    const login = this.login();
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
   * unused; then the access token is stored. Returns false for any other request token.
   */
  async finish(requestToken: string, verifier: string, sessionId: string): Promise<boolean> {
    this.dropExpired();
    const pending = this.pending.get(requestToken);
    if (!pending || pending.sessionId !== sessionId) return false;
    this.pending.delete(requestToken);
    const login = this.login();
    const token: OAuthToken = await login.accessToken({ key: requestToken, secret: pending.secret }, verifier);
    await login.store(credentialsFilePath(this.env), token, pending.access);
    return true;
  }

  /** The account the stored tokens belong to, as SmugMug says, and the access they were given. */
  async current(): Promise<Connection | undefined> {
    const stored = credentialsFromFile(this.env);
    const client = this.client(stored);
    if (!client) return undefined;
    try {
      const user = await client.authUser(AbortSignal.timeout(SMUGMUG_ANSWER_MS));
      return { account: user.NickName, access: stored.SMUGMUG_ACCESS, permissions: stored.SMUGMUG_PERMISSIONS };
    } catch {
      return { problem: 'SmugMug does not accept the stored connection any more: connect again.' };
    }
  }

  /**
   * How many of the connected account's albums the include patterns match (as a migration's
   * discovery will). The album list is read once and kept ALBUM_LIST_MINUTES, so typing patterns
   * costs SmugMug nothing.
   */
  async matchingAlbums(account: string, include: string[]): Promise<{ matching: number; total: number } | string> {
    const albums = await this.albumsOf(account);
    if (typeof albums === 'string') return albums;
    const keep = albumFilter({ include, exclude: [] });
    return { matching: albums.filter(keep).length, total: albums.length };
  }

  private async albumsOf(account: string): Promise<AlbumRef[] | string> {
    const cached = this.albumLists.get(account.toLowerCase());
    if (cached && cached.until > Date.now()) return cached.albums;
    const client = this.client(credentialsFromFile(this.env));
    if (!client) return 'Connect your SmugMug account to count its albums.';
    try {
      const signal = AbortSignal.timeout(SMUGMUG_ANSWER_MS * 3);
      const user = await client.authUser(signal);
      if (user.NickName.toLowerCase() !== account.toLowerCase())
        return `The connected SmugMug account is ${user.NickName}, not ${account}.`;
      const albums: AlbumRef[] = [];
      for await (const album of client.albums(user, signal)) albums.push(album);
      this.albumLists.set(account.toLowerCase(), { albums, until: Date.now() + ALBUM_LIST_MINUTES * 60_000 });
      return albums;
    } catch {
      return 'SmugMug did not list the albums just now.';
    }
  }

  private client(stored: Record<string, string>): SmugMugClient | undefined {
    if (!stored.SMUGMUG_ACCESS_TOKEN || !this.configured) return undefined;
    return new SmugMugClient({
      SMUGMUG_API_BASE_URL: stored.SMUGMUG_API_BASE_URL ?? this.config.SMUGMUG_API_BASE_URL,
      SMUGMUG_API_KEY: this.config.SMUGMUG_API_KEY!,
      SMUGMUG_API_SECRET: this.config.SMUGMUG_API_SECRET!,
      SMUGMUG_ACCESS_TOKEN: stored.SMUGMUG_ACCESS_TOKEN,
      SMUGMUG_ACCESS_TOKEN_SECRET: stored.SMUGMUG_ACCESS_TOKEN_SECRET ?? '',
    });
  }

  private login(): SmugMugLogin {
    return new SmugMugLogin(this.config.SMUGMUG_API_BASE_URL, {
      key: this.config.SMUGMUG_API_KEY!,
      secret: this.config.SMUGMUG_API_SECRET!,
    });
  }

  private dropExpired(): void {
    const now = Date.now();
    for (const [key, p] of this.pending) if (p.expiresAt <= now) this.pending.delete(key);
  }
}
