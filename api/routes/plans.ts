import { createRoute } from '@hono/zod-openapi';
import { PlanReport } from '../../state/documents';
import { planReportKey } from '../../state/layout';
import { StateStore } from '../../state/store';
import { errors, json, newRouter, security } from '../openapi';
import type { RouteContext } from '../route-context';
import * as s from '../schemas';
import { conflict } from '../temporal-errors';

/** Plans: a dry run of a migration, and its report of files, held items, duplicates and costs. */
export function planRoutes({ s3, lookups, uiUrl }: RouteContext) {
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
      const { description, progress } = await lookups.progressOf(id);
      if (!progress?.migrationId)
        throw conflict(
          `The plan of ${id} is not ready (${description.status.name}): it is written once every album is planned`,
        );
      const plan = await new StateStore(s3, progress.target.bucket).get(
        planReportKey(progress.target.prefix, progress.migrationId),
        PlanReport,
      );
      if (!plan)
        throw conflict(
          `The plan of ${id} is not ready: it is written once every album is planned (or ${id} is not a plan)`,
        );
      const cheapest = plan.costs.classes.reduce((a, b) => (b.monthlyUsd < a.monthlyUsd ? b : a));
      const smugmug =
        smugmugMonthlyUsd === undefined
          ? undefined
          : {
              plan: smugmugPlan ?? 'SmugMug',
              monthlyUsd: smugmugMonthlyUsd,
              cheapestClass: cheapest.storageClass,
              cheapestMonthlyUsd: cheapest.monthlyUsd,
            };
      return c.json({ ...plan, smugmug }, 200);
    },
  );

  return app;
}
