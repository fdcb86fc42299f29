import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { type AccessSettings, sameSecret } from '../http/auth';

/** Who may use the pages: the API token's holders, or those a reverse proxy names in this header. */
export type SessionSettings = AccessSettings & { WEB_IDENTITY_HEADER?: string };

const COOKIE = 'smugmug_s3_session';
/** A session lasts a working day; signing in again is one field. */
const SESSION_HOURS = 12;
/** The form field every state-changing form carries. */
export const CSRF_FIELD = '_csrf';

export interface Session {
  id: string;
  /** Who signed in: "token" for the API token, or the name the reverse proxy vouched for. */
  who: string;
}

declare module 'hono' {
  interface ContextVariableMap {
    session: Session | undefined;
    csrfToken: string;
  }
}

/**
 * Sign-in with the API token (or a reverse proxy's identity header) into an HttpOnly,
 * SameSite=Strict cookie, Secure over HTTPS, signed with a key derived from the API token (a
 * random one per process in the local demo); and the CSRF token of that session, which every form
 * that changes something carries and the server checks.
 */
export class Sessions {
  private readonly key: Buffer;

  constructor(private readonly config: SessionSettings) {
    this.key = config.API_TOKEN
      ? createHmac('sha256', config.API_TOKEN).update('smugmug-s3 web sessions').digest()
      : randomBytes(32);
  }

  /** Whether `token` is the API token (the local demo has none, and signs in anyone). */
  tokenIsValid(token: string): boolean {
    return this.config.API_AUTH === 'local-demo' || sameSecret(token, this.config.API_TOKEN!);
  }

  async signIn(c: Context, who: string): Promise<void> {
    const expires = Date.now() + SESSION_HOURS * 3600_000;
    await setSignedCookie(c, COOKIE, `${randomUUID()}|${expires}|${who}`, this.key, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: isHttps(c),
      path: '/app',
      expires: new Date(expires),
    });
  }

  signOut(c: Context): void {
    deleteCookie(c, COOKIE, { path: '/app', secure: isHttps(c) });
  }

  /** Reads the session (or the proxy's identity) and the CSRF token into the request's variables. */
  readSession(): MiddlewareHandler {
    return async (c, next) => {
      const session = await this.sessionOf(c);
      c.set('session', session);
      c.set('csrfToken', session ? this.csrfTokenOf(session) : '');
      await next();
    };
  }

  /** The CSRF token a session's forms carry: derived from the session, so nothing is stored. */
  csrfTokenOf(session: Session): string {
    return createHmac('sha256', this.key).update(`csrf|${session.id}`).digest('base64url');
  }

  csrfTokenMatches(session: Session, given: unknown): boolean {
    const expected = Buffer.from(this.csrfTokenOf(session));
    const actual = Buffer.from(typeof given === 'string' ? given : '');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  private async sessionOf(c: Context): Promise<Session | undefined> {
    // The local demo runs on the photographer's own machine without a token: everyone is signed in.
    if (this.config.API_AUTH === 'local-demo') return { id: 'local-demo', who: 'local demo' };
    const proxied = this.config.WEB_IDENTITY_HEADER && c.req.header(this.config.WEB_IDENTITY_HEADER);
    if (proxied) return { id: `proxy|${proxied}`, who: proxied };
    const value = await getSignedCookie(c, this.key, COOKIE);
    if (!value) return undefined;
    const [id, expires, who] = value.split('|');
    return Number(expires) > Date.now() ? { id, who } : undefined;
  }
}

export function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}
