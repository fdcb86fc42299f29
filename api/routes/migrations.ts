import { createRoute, type z } from '@hono/zod-openapi';
import { WorkflowNotFoundError } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import { AlbumKey, MigrationId, StatusAttribute } from '../../workflows/search-attributes';
import { errors, json, newRouter, security } from '../openapi';
import type { RouteContext } from '../route-context';
import * as s from '../schemas';
import { conflict, httpErrorOf, notFound } from '../temporal-errors';

/** Migrations: start, list, status, albums, report, retries, cancel. */
export function migrationRoutes({ client, lookups, service, uiUrl }: RouteContext) {
  const app = newRouter();

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
      return c.json({ ...(await service.list({ account, phase }, page, pageSize)), page, pageSize }, 200);
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
    async (c) => c.json(await service.details(c.req.valid('param').id), 200),
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
      if (status === 'failed')
        return c.json({ ...(await service.failedAlbums(id, page, pageSize)), page, pageSize }, 200);
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
      return c.json(await service.retry(id, [albumKey]), 202);
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
    async (c) => c.json(await service.retry(c.req.valid('param').id), 202),
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
