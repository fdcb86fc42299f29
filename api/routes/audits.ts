import { createRoute } from '@hono/zod-openapi';
import type { Services } from '../../service';
import { errors, json, newRouter, security } from '../openapi';
import * as s from '../schemas';

/** Audits of the archive at rest: by hand or on a schedule, without downloading anything. */
export function auditRoutes({ audits }: Services) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/audits',
      security,
      summary:
        'Audit an archive at rest: every file of the albums’ manifests present, unchanged, in its class, locked where the bucket locks',
      request: { body: { content: { 'application/json': { schema: s.AuditRequest } }, required: true } },
      responses: { 202: json(s.AuditDetails, 'Auditing'), ...errors },
    }),
    async (c) => c.json(await audits.start(c.req.valid('json')), 202),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audits',
      security,
      summary: 'A page of audits, newest first, with where each stands',
      request: { query: s.Paging },
      responses: { 200: json(s.AuditList, 'A page of audits'), ...errors },
    }),
    async (c) => {
      const { page, pageSize } = c.req.valid('query');
      return c.json(await audits.list(page, pageSize), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audits/{id}',
      security,
      summary: 'An audit: its phase (auditing, passed, failed) and, once done, its summary and report digest',
      request: { params: s.AuditIdParam },
      responses: { 200: json(s.AuditDetails, 'The audit'), ...errors },
    }),
    async (c) => c.json(await audits.details(c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/audits/{id}/report',
      security,
      summary:
        'The audit’s report from the bucket: every finding (missing, overwritten, changed class, checksum, lock) with its album',
      request: { params: s.AuditIdParam },
      responses: { 200: json(s.AuditReport, 'The report'), ...errors },
    }),
    async (c) => c.json(await audits.report(c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/audit-schedules',
      security,
      summary: 'Audit a bucket on an interval or a cron (for example monthly), through Temporal’s Schedules',
      request: { body: { content: { 'application/json': { schema: s.AuditScheduleRequest } }, required: true } },
      responses: { 201: json(s.AuditScheduled, 'Scheduled'), ...errors },
    }),
    async (c) => c.json(await audits.schedule(c.req.valid('json')), 201),
  );

  return app;
}
