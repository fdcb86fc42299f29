import { createRoute } from '@hono/zod-openapi';
import type { Services } from '../../service';
import { errors, json, newRouter, security } from '../openapi';
import * as s from '../schemas';

/** The way back: albums of the archive put back on SmugMug, with their folders and metadata. */
export function restoreRoutes({ toSmugMug }: Services) {
  const app = newRouter();

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/restores',
      security,
      summary:
        'Put albums of the archive (or every album under a folder of it) back on a connected SmugMug account, under a folder of it: folders and albums made, originals uploaded once each, metadata set, each image checked',
      request: { body: { content: { 'application/json': { schema: s.SmugMugRestoreRequest } }, required: true } },
      responses: { 202: json(s.SmugMugRestoreDetails, 'Restoring'), ...errors },
    }),
    async (c) => c.json(await toSmugMug.start(c.req.valid('json')), 202),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/restores',
      security,
      summary: 'A page of restores to SmugMug, newest first',
      request: { query: s.Paging },
      responses: { 200: json(s.SmugMugRestoreList, 'A page of restores'), ...errors },
    }),
    async (c) => {
      const { page, pageSize } = c.req.valid('query');
      return c.json(await toSmugMug.list(page, pageSize), 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/restores/{id}',
      security,
      summary:
        'A restore to SmugMug: its phase, each album done (its SmugMug albums, images identical, re-encoded, converted, missing or refused) or failed, and its report in the bucket',
      request: { params: s.SmugMugRestoreIdParam },
      responses: { 200: json(s.SmugMugRestoreDetails, 'The restore'), ...errors },
    }),
    async (c) => c.json(await toSmugMug.details(c.req.valid('param').id), 200),
  );

  return app;
}
