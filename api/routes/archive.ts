import { createRoute } from '@hono/zod-openapi';
import type { Services } from '../../service';
import { errors, json, newRouter, security } from '../openapi';
import * as s from '../schemas';

/** The archive after the move: share links of albums, and restores out of Glacier. */
export function archiveRoutes({ shares, restores }: Services) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/shares',
      security,
      summary:
        'Share albums or picked images by a link anyone can open for a time (at most 7 days): previews, and originals through URLs minted per request',
      request: { body: { content: { 'application/json': { schema: s.CreateShareRequest } }, required: true } },
      responses: { 201: json(s.ShareMade, 'The share and its link, shown this once'), ...errors },
    }),
    async (c) => c.json(await shares.create(c.req.valid('json')), 201),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/shares',
      security,
      summary: 'The shares of a bucket, newest first, each active, revoked or expired',
      request: { query: s.BucketQuery },
      responses: { 200: json(s.ShareList, 'The shares'), ...errors },
    }),
    async (c) => c.json({ shares: await shares.list(c.req.valid('query').bucket) }, 200),
  );

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/shares/{id}',
      security,
      summary: 'Revoke a share: its link answers 410 from the next request on',
      request: { params: s.ShareIdParam, query: s.BucketQuery },
      responses: { 200: json(s.ShareDetails, 'The share, revoked'), ...errors },
    }),
    async (c) => {
      const revoked = await shares.revoke(c.req.valid('query').bucket, c.req.valid('param').id);
      return c.json({ ...revoked, state: 'revoked' as const }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/archive-restores/quote',
      security,
      summary: 'What restoring albums out of Glacier would take: files by class, each tier’s cost and wait',
      request: { body: { content: { 'application/json': { schema: s.RestoreQuoteRequest } }, required: true } },
      responses: { 200: json(s.RestoreQuote, 'The quote'), ...errors },
    }),
    async (c) => c.json(await restores.quote(c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/archive-restores',
      security,
      summary:
        'Restore albums out of GLACIER or DEEP_ARCHIVE: each file requested once, waited for (hours or days), then downloadable',
      request: { body: { content: { 'application/json': { schema: s.ArchiveRestoreRequest } }, required: true } },
      responses: { 202: json(s.RestoreDetails, 'Restoring'), ...errors },
    }),
    async (c) => c.json(await restores.start(c.req.valid('json')), 202),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/archive-restores',
      security,
      summary: 'A page of restores out of Glacier, newest first',
      request: { query: s.Paging },
      responses: { 200: json(s.RestoreList, 'A page of restores'), ...errors },
    }),
    async (c) => {
      const { page, pageSize } = c.req.valid('query');
      return c.json(await restores.list(page, pageSize), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/archive-restores/{id}',
      security,
      summary:
        'A restore: its phase (restoring, ready) and each album’s files readable, being restored, and until when',
      request: { params: s.RestoreIdParam },
      responses: { 200: json(s.RestoreDetails, 'The restore'), ...errors },
    }),
    async (c) => c.json(await restores.details(c.req.valid('param').id), 200),
  );

  return app;
}
