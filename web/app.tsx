import { type Context, Hono } from 'hono';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { issuesOf } from '../api/invalid-request';
import type { RouteContext } from '../api/route-context';
import * as s from '../api/schemas';
import { Layout, type PageContext, Problem } from './layout';
import { checkBucket } from '../bucket/bucket-checks';
import { BucketCheck } from './pages/bucket-check';
import { ConnectPage } from './pages/connect';
import { DeletionsPage } from './pages/deletions';
import { MigrationPage, Progress } from './pages/migration';
import { AlbumCount, MigrationsPage, type StartForm } from './pages/migrations';
import { PlanBody, PlanPage, PlanWaiting } from './pages/plan';
import { CONFIRMATION_WORD, ReviewPage } from './pages/review';
import { type ScheduleForm, SchedulesPage } from './pages/schedules';
import { SignInPage } from './pages/sign-in';
import { CSRF_FIELD, type Session, Sessions } from './session';
import { SmugMugConnection } from './smugmug-connection';

/** Migrations shown on the list page. */
const MIGRATIONS_LISTED = 20;
/** Failed albums shown on a migration's page (the API pages over all of them). */
const FAILED_ALBUMS_SHOWN = 100;
/** Albums whose deletion record the deletions page reads (one object each). */
const DELETION_RECORDS_SHOWN = 200;

const ASSETS = {
  'app.css': { type: 'text/css; charset=utf-8', body: readFileSync(join(__dirname, 'assets', 'app.css')) },
  'htmx.min.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(require.resolve('htmx.org/dist/htmx.min.js')),
  },
};

/** What went wrong, in the words of the refusal (the service's errors carry a JSON body). */
async function problemOf(err: unknown): Promise<{ status: number; message: string }> {
  if (!(err instanceof HTTPException)) throw err;
  const body = (await err
    .getResponse()
    .json()
    .catch(() => undefined)) as { error?: { message?: string } } | undefined;
  return { status: err.status, message: body?.error?.message ?? err.message };
}

/** Album patterns as typed: separated by commas. */
const patterns = (typed: string | undefined) =>
  (typed ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);

type FormValue = string | File | (string | File)[] | undefined;
const text = (v: FormValue): string => (typeof v === 'string' ? v.trim() : '');
const list = (v: FormValue): string[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]).map((x) => text(x));

/**
 * The photographer's pages, served by the API's own app under /app: sign in, connect SmugMug,
 * start a migration, watch it, retry failed albums, review the report and approve deletion. They
 * call the same service as the JSON routes. Every form that changes something needs a session,
 * a same-origin request and the session's CSRF token; pages carry a strict CSP and load nothing
 * from elsewhere.
 */
export function webRoutes({ config, lookups, service, schedules, s3 }: RouteContext) {
  const sessions = new Sessions(config);
  const smugmug = new SmugMugConnection(config);
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
        formAction: ["'self'", new URL(config.SMUGMUG_API_BASE_URL).origin],
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
    const open = c.req.path === '/app/sign-in' || c.req.path.startsWith('/app/assets/');
    const session = c.get('session');
    if (!session && !open) {
      if (c.req.method !== 'GET')
        return c.html(<SignInPage page={pageOf(c)} problem="Sign in first." next="/app/migrations" />, 401);
      return c.redirect(`/app/sign-in?next=${encodeURIComponent(c.req.path)}`);
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

  const pageOf = (c: Context): PageContext => ({ session: c.get('session'), csrfToken: c.get('csrfToken') });
  const session = (c: Context): Session => c.get('session')!;

  app.onError(async (err, c) => {
    if (!(err instanceof HTTPException)) throw err;
    const { status, message } = await problemOf(err);
    return c.html(<ErrorPage page={pageOf(c)} message={message} />, status as 404);
  });

  app.get('/', (c) => c.redirect('/app/migrations'));

  app.get('/sign-in', (c) => c.html(<SignInPage page={pageOf(c)} next={c.req.query('next') ?? '/app/migrations'} />));
  app.post('/sign-in', async (c) => {
    const form = await c.req.parseBody();
    const next = /^\/app\/[\w/%.-]*$/.test(text(form.next)) ? text(form.next) : '/app/migrations';
    if (!sessions.tokenIsValid(text(form.token)))
      return c.html(<SignInPage page={pageOf(c)} problem="That access key is not right." next={next} />, 401);
    await sessions.signIn(c, 'token');
    return c.redirect(next, 303);
  });
  app.post('/sign-out', (c) => {
    sessions.signOut(c);
    return c.redirect('/app/sign-in', 303);
  });

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
    const authorizeUrl = await smugmug.start(callback, session(c).id, { access: 'Full', permissions });
    return c.redirect(authorizeUrl, 303);
  });
  app.get('/connect/callback', async (c) => {
    const finished = await smugmug.finish(
      c.req.query('oauth_token') ?? '',
      c.req.query('oauth_verifier') ?? '',
      session(c).id,
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

  const migrationsPage = async (c: Context, form: StartForm, problem?: string, status: 200 | 400 | 409 | 422 = 200) => {
    const { migrations } = await service.list({}, 1, MIGRATIONS_LISTED);
    return c.html(<MigrationsPage page={pageOf(c)} migrations={migrations} form={form} problem={problem} />, status);
  };
  app.get('/migrations', (c) => migrationsPage(c, {}));
  app.post('/migrations', async (c) => {
    const body = await c.req.parseBody();
    const form: StartForm = {
      account: text(body.account),
      bucket: text(body.bucket),
      prefix: text(body.prefix),
      storageClass: text(body.storageClass) || undefined,
      include: text(body.include),
      sse: text(body.sse) || undefined,
      kmsKeyId: text(body.kmsKeyId) || undefined,
      deletion: text(body.deletion) === 'yes',
    };
    const request = s.StartMigrationRequest.safeParse({
      account: form.account,
      target: {
        bucket: form.bucket,
        prefix: form.prefix,
        storageClass: form.storageClass,
        sse: form.sse && { type: form.sse, kmsKeyId: form.sse === 'aws:kms' ? form.kmsKeyId : undefined },
      },
      albums: { include: patterns(form.include) },
      deletion: { enabled: form.deletion },
    });
    if (!request.success) return migrationsPage(c, form, issuesOf(request.error).message, 400);
    try {
      if (text(body.action) === 'plan') {
        // A plan is a dry run: it never deletes, whatever the form said.
        const { id } = await lookups.start({
          ...request.data,
          dryRun: true,
          deletion: { ...request.data.deletion, enabled: false },
        });
        return c.redirect(
          `/app/plans/${encodeURIComponent(id)}?include=${encodeURIComponent(form.include ?? '')}`,
          303,
        );
      }
      const { id } = await lookups.start(request.data);
      return c.redirect(`/app/migrations/${encodeURIComponent(id)}`, 303);
    } catch (err) {
      const { status, message } = await problemOf(err);
      return migrationsPage(c, form, message, status === 409 || status === 422 ? status : 400);
    }
  });

  app.get('/album-count', async (c) => {
    const account = c.req.query('account') ?? '';
    const include = patterns(c.req.query('include'));
    if (!s.StartMigrationRequest.shape.account.safeParse(account).success)
      return c.html(<AlbumCount count="Type the SmugMug nickname first." />);
    return c.html(<AlbumCount count={await smugmug.matchingAlbums(account, include)} />);
  });

  app.get('/bucket-check', async (c) => {
    const bucket = c.req.query('bucket') ?? '';
    if (!s.StartMigrationRequest.shape.target.shape.bucket.safeParse(bucket).success)
      return c.html(<BucketCheck bucket={bucket} problem="That is not an S3 bucket name." />);
    try {
      return c.html(<BucketCheck bucket={bucket} checks={await checkBucket(s3, bucket)} />);
    } catch (err) {
      return c.html(
        <BucketCheck bucket={bucket} problem={`The bucket could not be read: ${(err as Error).message}`} />,
      );
    }
  });

  /** The plan when it is ready; until then, a note that asks again by itself. */
  const planOf = async (id: string) => {
    try {
      return { plan: await service.plan(id) };
    } catch (err) {
      const { status, message } = await problemOf(err);
      if (status !== 409) throw err;
      return { waiting: message };
    }
  };
  app.get('/plans/:id', async (c) => {
    const id = c.req.param('id');
    return c.html(<PlanPage page={pageOf(c)} id={id} include={c.req.query('include') ?? ''} {...await planOf(id)} />);
  });
  app.get('/plans/:id/body', async (c) => {
    const id = c.req.param('id');
    const include = c.req.query('include') ?? '';
    const { plan, waiting } = await planOf(id);
    return c.html(
      plan ? (
        <PlanBody page={pageOf(c)} plan={plan} include={include} />
      ) : (
        <PlanWaiting id={id} include={include} message={waiting} />
      ),
    );
  });

  const schedulesPage = async (c: Context, form: ScheduleForm = {}, problem?: string, status: 200 | 400 | 409 = 200) =>
    c.html(<SchedulesPage page={pageOf(c)} schedules={await schedules.list()} form={form} problem={problem} />, status);
  app.get('/schedules', (c) => schedulesPage(c));
  app.post('/schedules', async (c) => {
    const body = await c.req.parseBody();
    const form: ScheduleForm = {
      account: text(body.account),
      bucket: text(body.bucket),
      prefix: text(body.prefix),
      every: text(body.every),
    };
    const request = s.CreateScheduleRequest.safeParse({
      account: form.account,
      target: { bucket: form.bucket, prefix: form.prefix },
      every: form.every,
    });
    if (!request.success) return schedulesPage(c, form, issuesOf(request.error).message, 400);
    try {
      await schedules.create(request.data);
      return c.redirect('/app/schedules', 303);
    } catch (err) {
      const { message } = await problemOf(err);
      return schedulesPage(c, form, message, 409);
    }
  });
  app.post('/schedules/:id/:change{pause|resume|delete}', async (c) => {
    const { id, change } = c.req.param();
    try {
      await (change === 'delete' ? schedules.delete(id) : schedules[change as 'pause' | 'resume'](id));
      return c.redirect('/app/schedules', 303);
    } catch (err) {
      const { message } = await problemOf(err);
      return schedulesPage(c, {}, message, 409);
    }
  });

  const failedAlbumsOf = async (id: string, failedCount: number) =>
    failedCount > 0
      ? (await service.failedAlbums(id, 1, FAILED_ALBUMS_SHOWN).catch(() => ({ albums: [] }))).albums
      : [];
  const migrationView = async (id: string) => {
    const migration = await service.details(id);
    return { migration, failed: await failedAlbumsOf(id, migration.counts?.albumsFailed ?? 0) };
  };
  app.get('/migrations/:id', async (c) =>
    c.html(
      <MigrationPage {...await migrationView(c.req.param('id'))} page={pageOf(c)} notice={c.req.query('notice')} />,
    ),
  );
  app.get('/migrations/:id/progress', async (c) =>
    c.html(<Progress {...await migrationView(c.req.param('id'))} page={pageOf(c)} />),
  );
  app.post('/migrations/:id/albums/:albumKey/retry', async (c) => {
    const { id, albumKey } = c.req.param();
    try {
      await service.retry(id, [albumKey]);
      return c.redirect(
        `/app/migrations/${encodeURIComponent(id)}?notice=${encodeURIComponent('Trying the album again.')}`,
        303,
      );
    } catch (err) {
      const { status, message } = await problemOf(err);
      return c.html(<MigrationPage {...await migrationView(id)} page={pageOf(c)} problem={message} />, status as 409);
    }
  });

  const reviewPage = async (
    c: Context,
    id: string,
    extra: { problem?: string; dryRunResult?: string } = {},
    status: 200 | 400 | 409 = 200,
  ) => {
    const lookup = await lookups.progressOf(id);
    const { digest, report } = await lookups.reportOf(lookup);
    return c.html(
      <ReviewPage
        page={pageOf(c)}
        migrationId={id}
        report={report}
        digest={digest}
        deletionEnabled={lookup.progress?.deletion?.enabled ?? false}
        {...extra}
      />,
      status,
    );
  };
  app.get('/migrations/:id/review', (c) => reviewPage(c, c.req.param('id')));
  app.get('/migrations/:id/deletions', async (c) => {
    const id = c.req.param('id');
    return c.html(
      <DeletionsPage page={pageOf(c)} id={id} records={await service.deletionRecords(id, DELETION_RECORDS_SHOWN)} />,
    );
  });
  app.post('/migrations/:id/approve', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody({ all: true });
    const dryRun = text(form.action) !== 'approve';
    if (!dryRun && text(form.confirmation) !== CONFIRMATION_WORD)
      return reviewPage(c, id, { problem: `Nothing was deleted: type "${CONFIRMATION_WORD}" to confirm.` }, 400);
    const request = s.ApprovalRequest.safeParse({
      approvedBy: text(form.approvedBy) || session(c).who,
      albums: list(form.albums),
      reportDigest: text(form.reportDigest),
      dryRun,
      includeHeld: list(form.includeHeld).length > 0 ? list(form.includeHeld) : undefined,
    });
    if (!request.success)
      return reviewPage(
        c,
        id,
        { problem: `Nothing was deleted: ${request.error.issues.map((i) => i.message).join('; ')}` },
        400,
      );
    try {
      const result = await service.approve(id, request.data);
      if (!dryRun)
        return c.redirect(
          `/app/migrations/${encodeURIComponent(id)}?notice=${encodeURIComponent('Approved: the verified originals are being deleted on SmugMug.')}`,
          303,
        );
      const kept = result.held.filter((h) => !h.included).length;
      return reviewPage(c, id, {
        dryRunResult: `Would delete the verified originals of ${result.approved.length + result.alreadyApproved.length} albums; ${kept} held items would stay on SmugMug. Nothing was deleted.`,
      });
    } catch (err) {
      const { message } = await problemOf(err);
      return reviewPage(c, id, { problem: `Nothing was deleted: ${message}` }, 409);
    }
  });

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
