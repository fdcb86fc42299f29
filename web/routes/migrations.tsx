import { type Context, Hono } from 'hono';
import { issuesOf } from '../../service/refusals';
import { StartMigrationRequest } from '../../service/records';
import { pageOf, patterns, refusalShown, text, type WebContext } from '../context';
import { BucketCheck } from '../pages/bucket-check';
import { MigrationPage, Progress } from '../pages/migration';
import { AlbumCount, MigrationsPage, type StartForm } from '../pages/migrations';

/** Migrations shown on the list page. */
const MIGRATIONS_LISTED = 20;
/** Failed albums shown on a migration's page (the API pages over all of them). */
const FAILED_ALBUMS_SHOWN = 100;

/**
 * Migrations: the list and the start form (with its live bucket check and album count, and "Plan
 * first"), a migration's live progress, and trying a failed album again.
 */
export function migrationPages({ services }: WebContext) {
  const { migrations, plans, smugmug, buckets, s3Access } = services;
  const app = new Hono();

  /** The list and the start form: as it was sent, or (unset) filled from setup with the first connected account and the chosen bucket. */
  const migrationsPage = async (
    c: Context,
    form?: StartForm,
    problem?: string,
    status: 200 | 400 | 409 | 422 = 200,
  ) => {
    const [{ migrations: listed }, accounts, bucket] = await Promise.all([
      migrations.list({}, 1, MIGRATIONS_LISTED),
      smugmug.accounts(),
      form ? undefined : s3Access.chosenBucket(),
    ]);
    const nicknames = accounts.flatMap((a) => (a.account ? [a.account] : []));
    return c.html(
      <MigrationsPage
        page={pageOf(c)}
        migrations={listed}
        form={form ?? { account: nicknames[0], bucket }}
        problem={problem}
        replicas={buckets.replicaNames()}
        accounts={nicknames}
      />,
      status,
    );
  };
  app.get('/migrations', (c) => migrationsPage(c));
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
      replicaConnection: text(body.replicaConnection) || undefined,
      replicaBucket: text(body.replicaBucket) || undefined,
      deletion: text(body.deletion) === 'yes',
    };
    const replica = form.replicaBucket && { connection: form.replicaConnection, bucket: form.replicaBucket };
    const request = StartMigrationRequest.safeParse({
      account: form.account,
      target: {
        bucket: form.bucket,
        prefix: form.prefix,
        storageClass: form.storageClass,
        sse: form.sse && { type: form.sse, kmsKeyId: form.sse === 'aws:kms' ? form.kmsKeyId : undefined },
        replica,
      },
      albums: { include: patterns(form.include) },
      // A second copy asked for is one the deletion waits for.
      deletion: { enabled: form.deletion, requireReplica: replica ? true : undefined },
    });
    if (!request.success) return migrationsPage(c, form, issuesOf(request.error).message, 400);
    try {
      if (text(body.action) === 'plan') {
        const { id } = await plans.start(request.data);
        return c.redirect(
          `/app/plans/${encodeURIComponent(id)}?include=${encodeURIComponent(form.include ?? '')}`,
          303,
        );
      }
      const { id } = await migrations.start(request.data);
      return c.redirect(`/app/migrations/${encodeURIComponent(id)}`, 303);
    } catch (err) {
      const { status, message } = refusalShown(err);
      return migrationsPage(c, form, message, status === 409 || status === 422 ? status : 400);
    }
  });

  app.get('/album-count', async (c) => {
    const account = c.req.query('account') ?? '';
    const include = patterns(c.req.query('include'));
    if (!StartMigrationRequest.shape.account.safeParse(account).success)
      return c.html(<AlbumCount count="Type the SmugMug nickname first." />);
    return c.html(<AlbumCount count={await smugmug.matchingAlbums(account, include)} />);
  });

  app.get('/bucket-check', async (c) => {
    // The first bucket's field sends `bucket`; the second copy's, `replicaBucket` with its connection.
    const replica = c.req.query('replicaConnection') || undefined;
    const bucket = (replica ? c.req.query('replicaBucket') : c.req.query('bucket')) ?? '';
    if (!StartMigrationRequest.shape.target.shape.bucket.safeParse(bucket).success)
      return c.html(<BucketCheck bucket={bucket} replica={replica} problem="That is not an S3 bucket name." />);
    try {
      return c.html(
        <BucketCheck bucket={bucket} replica={replica} checks={await buckets.protections(bucket, replica)} />,
      );
    } catch (err) {
      return c.html(
        <BucketCheck
          bucket={bucket}
          replica={replica}
          problem={`The bucket could not be read: ${(err as Error).message}`}
        />,
      );
    }
  });

  const failedAlbumsOf = async (id: string, failedCount: number) =>
    failedCount > 0
      ? (await migrations.failedAlbums(id, 1, FAILED_ALBUMS_SHOWN).catch(() => ({ albums: [] }))).albums
      : [];
  const migrationView = async (id: string) => {
    const migration = await migrations.details(id);
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
      await migrations.retry(id, [albumKey]);
      return c.redirect(
        `/app/migrations/${encodeURIComponent(id)}?notice=${encodeURIComponent('Trying the album again.')}`,
        303,
      );
    } catch (err) {
      const { status, message } = refusalShown(err);
      return c.html(<MigrationPage {...await migrationView(id)} page={pageOf(c)} problem={message} />, status);
    }
  });

  return app;
}
