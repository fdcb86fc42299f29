import { createRoute } from '@hono/zod-openapi';
import type { Services } from '../../service';
import { errors, json, newRouter, security } from '../openapi';
import * as s from '../schemas';

/** Deletion of originals on SmugMug: the approval (or its dry run), with the held items it leaves or includes. */
export function deletionRoutes({ deletion }: Services) {
  const app = newRouter();
  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/migrations/{id}/deletion/approve',
      security,
      summary: 'Approve deleting the verified originals on SmugMug',
      request: {
        params: s.MigrationIdParam,
        body: { content: { 'application/json': { schema: s.ApprovalRequest } }, required: true },
      },
      responses: {
        200: json(s.ApprovalResult, 'Approved (or, for a dry run, listed)'),
        429: json(s.ErrorBody, 'Too many approval requests for this migration'),
        ...errors,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      return c.json(await deletion.approve(id, c.req.valid('json'), c.req.header('idempotency-key')), 200);
    },
  );
  return app;
}
