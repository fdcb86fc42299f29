import { createRoute } from '@hono/zod-openapi';
import type { Services } from '../../service';
import { errors, json, newRouter, security } from '../openapi';
import * as s from '../schemas';

/** Schedules: an account's incremental sync on an interval or a cron, through Temporal's own Schedules. */
export function scheduleRoutes({ schedules }: Services) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/schedules',
      security,
      summary: "Schedule an account's incremental sync (only new or changed files; never deletes)",
      request: { body: { content: { 'application/json': { schema: s.CreateScheduleRequest } }, required: true } },
      responses: { 201: json(s.Schedule, 'Scheduled'), ...errors },
    }),
    async (c) => c.json(await schedules.create(c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/schedules',
      security,
      summary: 'List the schedules',
      responses: { 200: json(s.ScheduleList, 'Every schedule of the service'), ...errors },
    }),
    async (c) => c.json({ schedules: await schedules.list() }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/schedules/{scheduleId}',
      security,
      summary: 'A schedule: when it fires next, what it skipped, and its recent runs with their migrations',
      request: { params: s.ScheduleIdParam },
      responses: { 200: json(s.Schedule, 'The schedule'), ...errors },
    }),
    async (c) => c.json(await schedules.show(c.req.valid('param').scheduleId), 200),
  );

  for (const change of ['pause', 'resume'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/v1/schedules/{scheduleId}/${change}`,
        security,
        summary: change === 'pause' ? 'Pause a schedule: no run fires until it is resumed' : 'Resume a paused schedule',
        request: {
          params: s.ScheduleIdParam,
          body: { content: { 'application/json': { schema: s.ScheduleStateChange } }, required: false },
        },
        responses: { 200: json(s.Schedule, 'The schedule now'), ...errors },
      }),
      async (c) => {
        const { scheduleId } = c.req.valid('param');
        const { note } = (c.req.header('content-type') ? c.req.valid('json') : {}) ?? {};
        return c.json(await schedules[change](scheduleId, note), 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/schedules/{scheduleId}',
      security,
      summary: 'Delete a schedule: no more runs (a run going on finishes; copies stay)',
      request: { params: s.ScheduleIdParam },
      responses: { 204: { description: 'Deleted' }, ...errors },
    }),
    async (c) => {
      await schedules.delete(c.req.valid('param').scheduleId);
      return c.body(null, 204);
    },
  );

  return app;
}
