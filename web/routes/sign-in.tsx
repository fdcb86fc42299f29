import { Hono } from 'hono';
import { pageOf, text, type WebContext } from '../context';
import { SignInPage } from '../pages/sign-in';

/** Sign in with the API token (the local demo needs none), and out. */
export function signInPages({ sessions }: WebContext) {
  const app = new Hono();
  app.get('/sign-in', (c) => c.html(<SignInPage page={pageOf(c)} next={c.req.query('next') ?? '/app'} />));
  app.post('/sign-in', async (c) => {
    const form = await c.req.parseBody();
    // Only a page of this app (the app's own address leads to setup or the migrations).
    const next = /^\/app(\/[\w/%.-]*)?(\?[\w%.=&+-]*)?$/.test(text(form.next)) ? text(form.next) : '/app';
    if (!sessions.tokenIsValid(text(form.token)))
      return c.html(<SignInPage page={pageOf(c)} problem="That access key is not right." next={next} />, 401);
    await sessions.signIn(c, 'token');
    return c.redirect(next, 303);
  });
  app.post('/sign-out', (c) => {
    sessions.signOut(c);
    return c.redirect('/app/sign-in', 303);
  });
  return app;
}
