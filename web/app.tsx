import { Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { secureHeaders } from 'hono/secure-headers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Services } from '../service';
import { type PageContext, Layout, Problem } from './layout';
import { pageOf, refusalShown, type WebContext } from './context';
import { SignInPage } from './pages/sign-in';
import { archivePages } from './routes/archive';
import { toSmugMugPages } from './routes/to-smugmug';
import { auditPages } from './routes/audits';
import { setupPages } from './routes/setup';
import { sharedPages } from './routes/shared';
import { deletionPages } from './routes/deletion';
import { migrationPages } from './routes/migrations';
import { planPages } from './routes/plans';
import { schedulePages } from './routes/schedules';
import { signInPages } from './routes/sign-in';
import { CSRF_FIELD, type SessionSettings, Sessions } from './session';

/** What the pages read of the server's configuration: who may sign in, and where SmugMug's authorize page is. */
export type WebSettings = SessionSettings & { SMUGMUG_API_BASE_URL: string };

const ASSETS = {
  'app.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(__dirname, 'assets', 'app.css')) },
  'htmx.min.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(require.resolve('htmx.org/dist/htmx.min.js')),
  },
};

/**
 * The photographer's pages, mounted under /app by the server, a file per resource in `routes/`: sign
 * in, connect SmugMug, start a migration, watch it, retry failed albums, review the report and
 * approve deletion, schedules. They call the same service as the JSON routes. Every form that
 * changes something needs a session, a same-origin request and the session's CSRF token; pages
 * carry a strict CSP and load nothing from elsewhere.
 */
export function webApp(services: Services, settings: WebSettings) {
  const sessions = new Sessions(settings);
  const context: WebContext = { services, sessions };
  const app = new Hono();
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'"],
        connectSrc: ["'self'"],
        // The Connect form's answer is a redirect to SmugMug's authorize page.
        formAction: ["'self'", new URL(settings.SMUGMUG_API_BASE_URL).origin],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
      referrerPolicy: 'same-origin',
    }),
  );
  app.get('/assets/:name', (c) => {
    const asset = ASSETS[c.req.param('name') as keyof typeof ASSETS];
    if (!asset) return c.notFound();
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=3600' });
  });
  app.use('*', sessions.readSession());
  // A form posted from another origin is refused whatever it carries.
  app.use('*', csrf());
  app.use('*', async (c, next) => {
    // A share link's pages are for whoever has the link (routes/shared.tsx).
    const open =
      c.req.path === '/app/sign-in' || c.req.path.startsWith('/app/assets/') || c.req.path.startsWith('/app/shared/');
    const session = c.get('session');
    if (!session && !open) {
      if (c.req.method !== 'GET')
        return c.html(<SignInPage page={pageOf(c)} problem="Sign in first." next="/app/migrations" />, 401);
      // Back to the very page after signing in, its query too (an archive's bucket and album).
      const { pathname, search } = new URL(c.req.url);
      return c.redirect(`/app/sign-in?next=${encodeURIComponent(pathname + search)}`);
    }
    if (c.req.method === 'POST' && session) {
      const form = await c.req.parseBody();
      if (!sessions.csrfTokenMatches(session, form[CSRF_FIELD]))
        return c.html(
          <SignInPage
            page={pageOf(c)}
            problem="This form is out of date: open the page again."
            next="/app/migrations"
          />,
          403,
        );
    }
    return next();
  });

  // What the service refused, on a page of its own; faults go on to the server's answer.
  app.onError((err, c) => {
    const { status, message } = refusalShown(err);
    return c.html(<ErrorPage page={pageOf(c)} message={message} />, status);
  });

  // The web app's own address: setup until an account is connected, then the migrations.
  app.get('/', async (c) => {
    const connected = (await context.services.smugmug.accounts()).some((a) => a.account);
    return c.redirect(connected ? '/app/migrations' : '/app/setup');
  });
  app.route('/', signInPages(context));
  app.route('/', setupPages(context));
  app.route('/', migrationPages(context));
  app.route('/', planPages(context));
  app.route('/', deletionPages(context));
  app.route('/', schedulePages(context));
  app.route('/', auditPages(context));
  app.route('/', toSmugMugPages(context));
  app.route('/', archivePages(context));
  app.route('/', sharedPages(context));
  return app;
}

const ErrorPage = ({ page, message }: { page: PageContext; message: string }) => (
  <Layout title="Something is in the way" page={page}>
    <Problem message={message} />
    <p>
      <a href="/app/migrations">Back to your migrations</a>
    </p>
  </Layout>
);
