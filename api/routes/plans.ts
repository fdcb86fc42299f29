import { createRoute } from '@hono/zod-openapi';
import { errors, json, newRouter, security } from '../openapi';
import type { RouteContext } from '../route-context';
import * as s from '../schemas';

/** Plans: a dry run of a migration, and its report of files, held items, duplicates and costs. */
export function planRoutes({ lookups, service, uiUrl }: RouteContext) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/plans',
      security,
      summary: 'Plan a migration: count, find duplicates and held items, estimate the costs; copy nothing',
      request: { body: { content: { 'application/json': { schema: s.StartPlanRequest } }, required: true } },
      responses: { 202: json(s.PlanStarted, 'Planning'), ...errors },
    }),
    async (c) => {
      const { id, migrationId } = await lookups.start({ ...c.req.valid('json'), dryRun: true });
      return c.json({ id, migrationId, uiUrl: uiUrl(id), planUrl: `/v1/plans/${id}` }, 202);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/plans/{id}',
      security,
      summary:
        'The plan: per album and in total, files, bytes, held items, duplicates, largest files, costs per storage class',
      request: { params: s.MigrationIdParam, query: s.PlanQuery },
      responses: { 200: json(s.Plan, 'The plan'), ...errors },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { smugmugPlan, smugmugMonthlyUsd } = c.req.valid('query');
      return c.json(await service.plan(id, { plan: smugmugPlan, monthlyUsd: smugmugMonthlyUsd }), 200);
    },
  );

  return app;
}
