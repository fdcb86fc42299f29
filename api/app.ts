import { archiveRoutes } from './routes/archive';
import { restoreRoutes } from './routes/restores';
import { auditRoutes } from './routes/audits';
import type { PayloadCodec } from '@temporalio/common';
import type { MiddlewareHandler } from 'hono';
import type { Services } from '../service';
import { docsAsset, docsPage } from './docs-page';
import { newRouter } from './openapi';
import { codecRoutes } from './routes/codec';
import { deletionRoutes } from './routes/deletion';
import { migrationRoutes } from './routes/migrations';
import { planRoutes } from './routes/plans';
import { scheduleRoutes } from './routes/schedules';

/**
 * The JSON API, a file per resource in `routes/`: migrations, deletion, plans, schedules, and the
 * Temporal UI's codec; its OpenAPI document (`/openapi.json`) is made from the routes' own schemas,
 * with interactive docs at `/docs`. Authentication and limits are the server's (server/app.ts).
 */
export function apiApp(
  services: Services,
  codec: { codec: PayloadCodec; uiOrigin: string; requireToken: MiddlewareHandler },
) {
  const app = newRouter();
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  app.get('/docs', (c) => c.html(docsPage));
  app.get('/docs/assets/:name', async (c) => (await docsAsset(c.req.param('name'))) ?? c.notFound());
  app.route('/codec', codecRoutes(codec));
  app.route('/', migrationRoutes(services));
  app.route('/', deletionRoutes(services));
  app.route('/', planRoutes(services));
  app.route('/', scheduleRoutes(services));
  app.route('/', auditRoutes(services));
  app.route('/', archiveRoutes(services));
  app.route('/', restoreRoutes(services));
  app.doc('/openapi.json', {
    openapi: '3.0.3',
    info: {
      title: 'smugmug-s3 migration API',
      version: '1.0.0',
      description: 'Start, watch, retry and approve SmugMug → S3 migrations.',
    },
  });
  return app;
}
