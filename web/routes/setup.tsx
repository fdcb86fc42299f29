import { type Context, Hono } from 'hono';
import type { BucketChoice } from '../../service/s3-access';
import { pageOf, refusalShown, sessionOf, text, type WebContext, type RefusalStatus } from '../context';
import { SetupPage, type SetupStep, type SetupView } from '../pages/setup';

/**
 * First-run setup: the SmugMug API key (checked by SmugMug at once), connecting accounts through the
 * OAuth 1.0a callback flow (and disconnecting them), S3's credentials and region (checked by S3), and
 * the bucket (checked, or made with the safe settings once confirmed). All of it goes to the
 * credential store, where the workers read it at their next activity.
 */
export function setupPages({ services: { smugmug, s3Access } }: WebContext) {
  const app = new Hono();

  const page = async (
    c: Context,
    said: Pick<SetupView, 'problem' | 'notice' | 'bucket'> = {},
    status: 200 | RefusalStatus = 200,
  ) => {
    const [app, accounts, s3] = await Promise.all([smugmug.app(), smugmug.accounts(), s3Access.choice()]);
    const view: SetupView = { app: app && { key: app.key, source: app.source }, accounts, s3, ...said };
    return c.html(<SetupPage page={pageOf(c)} view={view} />, status);
  };
  /** What the service refused, beside the step it belongs to. */
  const refused = (c: Context, step: SetupStep, err: unknown) => {
    const { status, message } = refusalShown(err);
    return page(c, { problem: { step, message } }, status);
  };

  app.get('/setup', (c) => {
    const connected = c.req.query('connected');
    return page(
      c,
      connected ? { notice: { step: 'accounts', message: `SmugMug account ${connected} is connected.` } } : {},
    );
  });
  app.get('/connect', (c) => c.redirect('/app/setup', 303));

  app.post('/setup/smugmug-app', async (c) => {
    const form = await c.req.parseBody();
    const problem = await smugmug.saveApp(text(form.key), text(form.secret));
    if (problem) return page(c, { problem: { step: 'app', message: problem } }, 422);
    return page(c, { notice: { step: 'app', message: 'SmugMug accepted the key: now connect your account.' } });
  });

  app.post('/connect', async (c) => {
    const form = await c.req.parseBody();
    const callback = new URL('/app/connect/callback', c.req.url).toString();
    const permissions = text(form.allowDeletion) === 'yes' ? 'Modify' : 'Read';
    const authorizeUrl = await smugmug.start(callback, sessionOf(c).id, { access: 'Full', permissions });
    return c.redirect(authorizeUrl, 303);
  });
  app.get('/connect/callback', async (c) => {
    const account = await smugmug.finish(
      c.req.query('oauth_token') ?? '',
      c.req.query('oauth_verifier') ?? '',
      sessionOf(c).id,
    );
    if (!account) {
      const message = 'SmugMug sent back an authorization this page did not ask for (or an old one): connect again.';
      return page(c, { problem: { step: 'accounts', message } }, 400);
    }
    return c.redirect(`/app/setup?connected=${encodeURIComponent(account)}`, 303);
  });
  app.post('/setup/disconnect', async (c) => {
    const account = text((await c.req.parseBody()).account);
    await smugmug.disconnect(account);
    const message = `${account} is disconnected: its migrations stop reading SmugMug at their next step.`;
    return page(c, { notice: { step: 'accounts', message } });
  });

  app.post('/setup/s3', async (c) => {
    const form = await c.req.parseBody();
    const credentials = text(form.credentials);
    const region = text(form.region);
    const choice = credentials.startsWith('profile:')
      ? { region, profile: credentials.slice('profile:'.length) }
      : credentials === 'keys'
        ? { region, keys: { accessKeyId: text(form.accessKeyId), secretAccessKey: text(form.secretAccessKey) } }
        : { region };
    try {
      await s3Access.saveAccess(choice);
    } catch (err) {
      return refused(c, 's3', err);
    }
    return page(c, { notice: { step: 's3', message: 'S3 accepted these credentials: now choose the bucket.' } });
  });

  const bucketStep = (choose: (bucket: string) => Promise<BucketChoice>) => async (c: Context) => {
    try {
      return page(c, { bucket: await choose(text((await c.req.parseBody()).bucket)) });
    } catch (err) {
      return refused(c, 'bucket', err);
    }
  };
  app.post(
    '/setup/bucket',
    bucketStep((b) => s3Access.chooseBucket(b)),
  );
  app.post(
    '/setup/bucket/create',
    bucketStep((b) => s3Access.createBucket(b)),
  );

  return app;
}
