import { createRoute, type z } from '@hono/zod-openapi';
import { createHash } from 'node:crypto';
import { approveDeletion } from '../../workflows/messages';
import { errors, json, newRouter, security } from '../openapi';
import type { RouteContext } from '../route-context';
import * as s from '../schemas';
import { conflict, httpErrorOf } from '../temporal-errors';

type StoredReport = z.infer<typeof s.Report>['report'];

/**
 * The held items of the albums an approval names, and which it includes; an approval naming an
 * ImageKey that is not held in those albums is refused, so a typo never passes for a choice.
 */
function heldOf(report: StoredReport, request: z.infer<typeof s.ApprovalRequest>): Array<z.infer<typeof s.HeldItem>> {
  const approved =
    request.albums === 'all'
      ? new Set(report.albums.filter((a) => a.passed).map((a) => a.albumKey))
      : new Set(request.albums);
  const held = (report.held ?? []).filter((h) => approved.has(h.albumKey));
  const named = Array.isArray(request.includeHeld) ? new Set(request.includeHeld) : new Set<string>();
  const unknown = [...named].filter((k) => !held.some((h) => h.imageKey === k));
  if (unknown.length > 0)
    throw conflict(`Not held items of the approved albums, so not included: ${unknown.join(', ')}`);
  return held.map((h) => ({
    ...h,
    included: request.includeHeld === 'transcodes' ? h.kind === 'transcode' : named.has(h.imageKey),
  }));
}

/** Deletion of originals on SmugMug: the approval (or its dry run), with the held items it leaves or includes. */
export function deletionRoutes({ client, lookups }: RouteContext) {
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
      const body = c.req.valid('json');
      // The same request sent twice is one approval.
      const approvalId =
        c.req.header('idempotency-key') ??
        createHash('sha256')
          .update(JSON.stringify([id, body]))
          .digest('hex')
          .slice(0, 32);
      const { digest, report } = await lookups.currentReport(id);
      if (digest !== body.reportDigest)
        throw conflict('The report digest does not match the current report: read the report again, then approve');
      const held = heldOf(report, body);
      try {
        const result = await client.workflow
          .getHandle(id)
          .executeUpdate(approveDeletion, { args: [{ ...body, approvalId }], updateId: `approve-${approvalId}` });
        return c.json({ ...result, held }, 200);
      } catch (err) {
        throw httpErrorOf(err, `Migration ${id}`);
      }
    },
  );

  return app;
}
