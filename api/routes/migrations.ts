import { createRoute } from '@hono/zod-openapi';
import type { Services } from '../../service';
import { errors, json, newRouter, security } from '../openapi';
import * as s from '../schemas';

/** Migrations: start, list, status, albums, report, retries, cancel. */
export function migrationRoutes({ migrations, links }: Services) {
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
      const { id, migrationId } = await migrations.start(c.req.valid('json'));
      return c.json({ id, migrationId, uiUrl: links.workflow(id), statusUrl: `/v1/migrations/${id}` }, 202);
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
      return c.json({ ...(await migrations.list({ account, phase }, page, pageSize)), page, pageSize }, 200);
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
    async (c) => c.json(await migrations.details(c.req.valid('param').id), 200),
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
      const albums =
        status === 'failed'
          ? await migrations.failedAlbums(id, page, pageSize)
          : await migrations.albumRuns(id, page, pageSize);
      return c.json({ ...albums, page, pageSize }, 200);
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
    async (c) => c.json(await migrations.report(c.req.valid('param').id), 200),
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
      return c.json(await migrations.retry(id, [albumKey]), 202);
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
    async (c) => c.json(await migrations.retry(c.req.valid('param').id), 202),
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
      await migrations.cancel(id);
      return c.json({ id, status: 'cancel-requested' }, 202);
    },
  );

  return app;
}
