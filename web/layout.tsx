import type { Child } from 'hono/jsx';
import { CSRF_FIELD, type Session } from './session';

export interface PageContext {
  session: Session | undefined;
  csrfToken: string;
}

/** The hidden field that proves a form was made by this app for this session. */
export const CsrfField = ({ token }: { token: string }) => <input type="hidden" name={CSRF_FIELD} value={token} />;

/** Every page: its title, the way around, and a main region; styles and htmx from this server only (CSP). */
export function Layout({ title, page, children }: { title: string; page: PageContext; children: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content='{"includeIndicatorStyles":false,"allowEval":false}' />
        <title>{`${title} · SmugMug to S3`}</title>
        <link rel="stylesheet" href="/app/assets/app.css" />
        <script src="/app/assets/htmx.min.js" defer></script>
      </head>
      <body>
        <header>
          <p class="brand">SmugMug to S3</p>
          {page.session && (
            <nav aria-label="Main">
              <a href="/app/migrations">Migrations</a>
              <a href="/app/archive">Archive</a>
              <a href="/app/schedules">Schedules</a>
              <a href="/app/audits">Audits</a>
              <a href="/app/setup">Setup</a>
              <form method="post" action="/app/sign-out" class="inline">
                <CsrfField token={page.csrfToken} />
                <button type="submit" class="link">
                  Sign out
                </button>
              </form>
            </nav>
          )}
        </header>
        <main>
          <h1>{title}</h1>
          {children}
        </main>
      </body>
    </html>
  );
}

/** A message on top of a page: what went wrong, in the words of the refusal. */
export const Problem = ({ message }: { message?: string }) =>
  message ? (
    <p class="problem" role="alert">
      {message}
    </p>
  ) : null;
