import { Hono } from 'hono';
import { pageOf, sessionOf, text, type WebContext } from '../context';
import { ConnectPage } from '../pages/connect';

/** Connecting SmugMug through the OAuth 1.0a callback flow, and what the stored connection opens. */
export function connectPages({ services: { smugmug } }: WebContext) {
  const app = new Hono();
  app.get('/connect', async (c) =>
    c.html(
      <ConnectPage
        page={pageOf(c)}
        configured={smugmug.configured}
        connection={await smugmug.current()}
        connected={c.req.query('connected') === '1'}
      />,
    ),
  );
  app.post('/connect', async (c) => {
    const form = await c.req.parseBody();
    const callback = new URL('/app/connect/callback', c.req.url).toString();
    const permissions = text(form.allowDeletion) === 'yes' ? 'Modify' : 'Read';
    const authorizeUrl = await smugmug.start(callback, sessionOf(c).id, { access: 'Full', permissions });
    return c.redirect(authorizeUrl, 303);
  });
  app.get('/connect/callback', async (c) => {
    const finished = await smugmug.finish(
      c.req.query('oauth_token') ?? '',
      c.req.query('oauth_verifier') ?? '',
      sessionOf(c).id,
    );
    if (!finished)
      return c.html(
        <ConnectPage
          page={pageOf(c)}
          configured={smugmug.configured}
          problem="SmugMug sent back an authorization this page did not ask for (or an old one): connect again."
        />,
        400,
      );
    return c.redirect('/app/connect?connected=1', 303);
  });
  return app;
}
