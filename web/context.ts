import type { Context } from 'hono';
import { problemOf } from '../http/problems';
import type { Services } from '../service';
import type { PageContext } from './layout';
import type { Session, Sessions } from './session';

/** What every page route works with: the service, and the sessions its forms are checked against. */
export interface WebContext {
  services: Services;
  sessions: Sessions;
}

/** The page's session and CSRF token, as the layout and forms need them. */
export const pageOf = (c: Context): PageContext => ({ session: c.get('session'), csrfToken: c.get('csrfToken') });
/** The signed-in session (the app lets no page through without one). */
export const sessionOf = (c: Context): Session => c.get('session')!;

/**
 * What the service refused, in the words and status of the refusal, for a page to show beside the
 * form; anything that is not a refusal is thrown on (the server answers it as a fault).
 */
/** The statuses a refused page answers with. */
export type RefusalStatus = 400 | 404 | 409 | 410 | 422 | 503;

export function refusalShown(err: unknown): { status: RefusalStatus; message: string } {
  const problem = problemOf(err, 'migration');
  if (problem.body.error.code === 'internal') throw err;
  return { status: problem.status as 400, message: problem.body.error.message };
}

type FormValue = string | File | (string | File)[] | undefined;
/** A form field as typed, trimmed; empty when absent. */
export const text = (v: FormValue): string => (typeof v === 'string' ? v.trim() : '');
/** A field sent several times (checkboxes), each value trimmed. */
export const list = (v: FormValue): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => text(x));
/** Album patterns as typed: separated by commas. */
export const patterns = (typed: string | undefined) =>
  (typed ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
