import { createRoute, type z } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import { parseWorkflowId } from '../../common/ids';
import { FailedAlbumRecord } from '../../state/documents';
import { albumKeyOfFailedMarker, failedAlbumKey, failedAlbumsPrefix } from '../../state/layout';
import { StateStore } from '../../state/store';
import { albumProgress, retryAlbums } from '../../workflows/messages';
import { AlbumKey, MigrationId, SmugMugAccount, StatusAttribute } from '../../workflows/search-attributes';
import { errors, json, newRouter, security } from '../openapi';
import type { RouteContext } from '../route-context';
import * as s from '../schemas';
import { conflict, httpErrorOf, notFound } from '../temporal-errors';

/** Migrations: start, list, status, albums, report, retries, cancel. */
export function migrationRoutes({ client, s3, lookups, uiUrl }: RouteContext) {
  const app = newRouter();
  const progressOf = (id: string) => lookups.progressOf(id);

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/migrations',
      security,
      summary: 'Start a migration',
      request: { body: { content: { 'application/json': { schema: s.StartMigrationRequest } }, required: true } },
      responses: { 202: json(s.MigrationStarted, 'Started'), ...errors },
    }),
    async (c) => {
      const { id, migrationId } = await lookups.start(c.req.valid('json'));
      return c.json({ id, migrationId, uiUrl: uiUrl(id), statusUrl: `/v1/migrations/${id}` }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/migrations',
      security,
      summary: 'List migrations',
      request: { query: s.ListMigrationsQuery },
      responses: { 200: json(s.MigrationList, 'A page of migrations'), ...errors },
    }),
    async (c) => {
      const { account, page, pageSize, ...query } = c.req.valid('query');
      const phase = query.phase ?? query.status;
      const clauses = [`WorkflowType = 'accountMigration'`];
      if (account) clauses.push(`SmugMugAccount = '${account}'`);
      if (phase) clauses.push(`${StatusAttribute.name} = '${phase}'`);
      const { items: migrations, hasMore } = await lookups.visibilityPage(
        clauses.join(' AND '),
        page,
        pageSize,
        (wf): z.infer<typeof s.MigrationSummary> => ({
          id: wf.workflowId,
          account: wf.typedSearchAttributes.get(SmugMugAccount),
          status: wf.status.name,
          phase: wf.typedSearchAttributes.get(StatusAttribute),
          startedAt: wf.startTime.toISOString(),
          closedAt: wf.closeTime?.toISOString(),
          uiUrl: uiUrl(wf.workflowId),
        }),
      );
      return c.json({ migrations, page, pageSize, hasMore }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/migrations/{id}',
      security,
      summary: 'Status of a migration: counts, bytes, rate, ETA',
      request: { params: s.MigrationIdParam },
      responses: { 200: json(s.MigrationDetails, 'Status'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { description, progress, workerAnswered, failure } = await progressOf(id);
      const startedAt = description.startTime;
      const elapsed = ((description.closeTime ?? new Date()).getTime() - startedAt.getTime()) / 1000;
      const k = progress?.counts;
      const bytesPerSecond = k && elapsed > 0 ? Math.round(k.transferredBytes / elapsed) : undefined;
      const settled = k ? k.albumsDone + k.albumsFailed : 0;
      const etaSeconds =
        k && settled > 0 && description.status.name === 'RUNNING'
          ? Math.round((elapsed / settled) * Math.max(0, k.albumsTotal - settled))
          : undefined;
      const inFlightAlbums =
        description.status.name === 'RUNNING' && progress
          ? await Promise.all(
              progress.inFlight.map(async (workflowId) => {
                const album = await lookups.queryOrGiveUp(() =>
                  client.workflow.getHandle(workflowId).query(albumProgress),
                );
                return album && { workflowId, albumKey: parseWorkflowId(workflowId)?.albumKey ?? '', ...album };
              }),
            ).then((list) => list.filter((a) => a !== undefined))
          : undefined;
      return c.json(
        {
          id,
          account: description.typedSearchAttributes.get(SmugMugAccount),
          inFlightAlbums,
          status: description.status.name,
          phase: progress?.phase ?? description.typedSearchAttributes.get(StatusAttribute),
          startedAt: startedAt.toISOString(),
          closedAt: description.closeTime?.toISOString(),
          uiUrl: uiUrl(id),
          counts: k,
          inFlight: progress?.inFlight,
          failedAlbums: progress?.failedAlbums,
          report: progress?.report,
          deletion: progress?.deletion,
          bucket: progress?.bucket,
          bytesPerSecond,
          etaSeconds,
          failure,
          ...(workerAnswered
            ? {}
            : {
                workerAnswered,
                notice:
                  "No worker is polling for this migration: progress resumes when one runs (npm run worker). Phase from Temporal's own records.",
              }),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/migrations/{id}/albums',
      security,
      summary: 'Albums of a migration with their status',
      request: { params: s.MigrationIdParam, query: s.AlbumsQuery },
      responses: { 200: json(s.AlbumList, 'A page of album runs'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { page, pageSize, status } = c.req.valid('query');
      if (status === 'failed') return c.json({ ...(await failedAlbumsPage(id, page, pageSize)), page, pageSize }, 200);
      await client.workflow
        .getHandle(id)
        .describe()
        .catch((err) => Promise.reject(httpErrorOf(err, `Migration ${id}`)));
      const { items: albums, hasMore } = await lookups.visibilityPage(
        `${MigrationId.name} = '${id}'`,
        page,
        pageSize,
        (wf): z.infer<typeof s.AlbumRun> => ({
          albumKey: wf.typedSearchAttributes.get(AlbumKey) ?? '',
          workflowId: wf.workflowId,
          status: wf.typedSearchAttributes.get(StatusAttribute) ?? 'unknown',
          runStatus: wf.status.name,
          startedAt: wf.startTime.toISOString(),
          closedAt: wf.closeTime?.toISOString(),
          summary: wf.memo?.summary as Record<string, unknown> | undefined,
        }),
      );
      return c.json({ albums, page, pageSize, hasMore }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/migrations/{id}/report',
      security,
      summary: 'The verification report and its digest',
      request: { params: s.MigrationIdParam },
      responses: { 200: json(s.Report, 'The report'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      return c.json(await lookups.currentReport(id), 200);
    },
  );

  /** A page of the migration's failed albums, from the markers in the bucket: all of them, however many. */
  async function failedAlbumsPage(id: string, page: number, pageSize: number) {
    const { progress } = await progressOf(id);
    // Runs from before the progress named its migration id cannot say where their markers are.
    const migrationId = progress?.migrationId;
    if (!progress || !migrationId)
      throw conflict('The failed albums are listed once a worker answers for this migration');
    const { bucket, prefix } = progress.target;
    const keys: string[] = [];
    let hasMore = false;
    let seen = 0;
    const store = new StateStore(s3, bucket);
    for await (const key of store.keys(failedAlbumsPrefix(prefix, migrationId))) {
      seen += 1;
      if (seen <= (page - 1) * pageSize) continue;
      if (keys.length === pageSize) {
        hasMore = true;
        break;
      }
      keys.push(albumKeyOfFailedMarker(prefix, migrationId, key));
    }
    const records = await Promise.all(
      keys.map((k) => store.get(failedAlbumKey(prefix, migrationId, k), FailedAlbumRecord)),
    );
    const albums = records
      .filter((r) => r !== undefined)
      .map((r) => ({
        albumKey: r.albumKey,
        workflowId: r.workflowId,
        status: 'failed',
        closedAt: r.failedAt,
        path: r.path,
        error: r.error,
      }));
    return { albums, hasMore };
  }

  const retry = async (id: string, albumKeys?: string[]) => {
    try {
      return await client.workflow.getHandle(id).executeUpdate(retryAlbums, { args: [{ albumKeys }] });
    } catch (err) {
      throw httpErrorOf(err, `Migration ${id}`);
    }
  };
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/migrations/{id}/albums/{albumKey}/retry',
      security,
      summary: 'Run a failed album again',
      request: { params: s.AlbumParams },
      responses: { 202: json(s.RetryAccepted, 'Retry started'), ...errors },
    }),
    async (c) => {
      const { id, albumKey } = c.req.valid('param');
      return c.json(await retry(id, [albumKey]), 202);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/migrations/{id}/retry-failed',
      security,
      summary: 'Run every failed album again',
      request: { params: s.MigrationIdParam },
      responses: { 202: json(s.RetryAccepted, 'Retries started'), ...errors },
    }),
    async (c) => c.json(await retry(c.req.valid('param').id), 202),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/migrations/{id}/cancel',
      security,
      summary: 'Cancel a migration (copies made stay; nothing is deleted)',
      request: { params: s.MigrationIdParam },
      responses: { 202: json(s.Accepted, 'Cancellation requested'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      try {
        const handle = client.workflow.getHandle(id);
        const { status, type } = await handle.describe();
        if (type !== 'accountMigration') throw notFound('migration');
        if (status.name !== 'RUNNING') throw conflict(`Migration ${id} is not running (${status.name})`);
        await handle.cancel();
      } catch (err) {
        if (err instanceof HTTPException) throw err;
        throw err instanceof WorkflowNotFoundError ? notFound('migration') : httpErrorOf(err, `Migration ${id}`);
      }
      return c.json({ id, status: 'cancel-requested' }, 202);
    },
  );

  return app;
}
