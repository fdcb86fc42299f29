import { createRoute } from '@hono/zod-openapi';
import type { Services } from '../../service';
import { errors, json, newRouter, security } from '../openapi';
import * as s from '../schemas';

/** Plans: a dry run of a migration, and its report of files, held items, duplicates and costs. */
export function planRoutes({ plans, links }: Services) {
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
      const { id, migrationId } = await plans.start(c.req.valid('json'));
      return c.json({ id, migrationId, uiUrl: links.workflow(id), planUrl: `/v1/plans/${id}` }, 202);
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
      return c.json(await plans.report(id, { plan: smugmugPlan, monthlyUsd: smugmugMonthlyUsd }), 200);
    },
  );

  return app;
}
