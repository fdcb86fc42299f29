import type { S3Client } from '@aws-sdk/client-s3';
import type { Client, Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { bodyLimit } from 'hono/body-limit';
import { rateLimiter } from 'hono-rate-limiter';
import { randomUUID } from 'node:crypto';
import { createRedactor, redactDeep, secretsIn } from '../config/redact';
import { requireToken } from './auth';
import type { ApiConfig } from './config';
import { docsAsset, docsPage } from './docs-page';
import { MigrationLookups } from './migration-lookups';
import { MigrationService } from './migration-service';
import { ScheduleService } from './schedule-service';
import { newRouter } from './openapi';
import { codecRoutes } from './routes/codec';
import { deletionRoutes } from './routes/deletion';
import { migrationRoutes } from './routes/migrations';
import { planRoutes } from './routes/plans';
import { scheduleRoutes } from './routes/schedules';
import { httpErrorOf } from './temporal-errors';
import { webRoutes } from '../web/app';

export interface ApiDeps {
  config: ApiConfig;
  connection: Connection;
  client: Client;
  /** The payload codec of the service's data converter, for the Temporal UI's /codec calls. */
  codec: PayloadCodec;
  s3: S3Client;
  log?: (entry: Record<string, unknown>) => void;
}

/** The HTTP API: start, list, watch, retry, approve deletion, cancel, report. */
export function createApiApp({
  config,
  connection,
  client,
  codec,
  s3,
  log: write = (e) => console.log(JSON.stringify(e)),
}: ApiDeps) {
  const redact = createRedactor(secretsIn({ ...process.env, ...config }));
  const log = (entry: Record<string, unknown>) => write(redactDeep(entry, redact));
  const app = newRouter();
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  const uiUrl = (id: string) =>
    `${config.TEMPORAL_UI_URL}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(id)}`;

  app.use('*', async (c, next) => {
    const started = Date.now();
    const requestId = c.req.header('x-request-id') ?? randomUUID();
    c.header('x-request-id', requestId);
    await next();
    log({
      time: new Date().toISOString(),
      level: c.res.status >= 500 ? 'error' : 'info',
      msg: 'request',
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Date.now() - started,
    });
  });
  const tokenRequired = requireToken(config);
  const tooLarge = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: (c) =>
        c.json(
          { error: { code: 'payload_too_large', message: `Request bodies are limited to ${maxSize} bytes` } },
          413,
        ),
    });
  app.use('/v1/*', tooLarge(config.API_MAX_BODY_BYTES));
  app.use('/v1/*', tokenRequired);
  // Approvals delete originals: a client looping on them (or guessing digests) is slowed down, per migration, after authentication.
  app.use(
    '/v1/migrations/:id/deletion/approve',
    rateLimiter({
      windowMs: 60_000,
      limit: config.APPROVAL_RATE_LIMIT_PER_MINUTE,
      standardHeaders: 'draft-7',
      keyGenerator: (c) => c.req.param('id') ?? '',
      handler: (c) =>
        c.json(
          {
            error: {
              code: 'rate_limited',
              message: `At most ${config.APPROVAL_RATE_LIMIT_PER_MINUTE} approval requests per migration per minute: try again shortly`,
            },
          },
          429,
        ),
    }),
  );
  app.use('/codec/*', tooLarge(4 * 2 ** 20));
  app.route(
    '/codec',
    codecRoutes({ codec, uiOrigin: new URL(config.TEMPORAL_UI_URL).origin, requireToken: tokenRequired }),
  );
  app.onError((err, c) => {
    const http = httpErrorOf(err, 'migration');
    if (http.status >= 500)
      log({
        time: new Date().toISOString(),
        level: 'error',
        msg: 'request failed',
        path: c.req.path,
        // The name and gRPC code say what failed when the message is empty (a connection torn down).
        error: `${(err as Error).name}: ${(err as Error).message}`,
        code: (err as { code?: number }).code,
      });
    return http.getResponse();
  });
  app.notFound((c) => c.json({ error: { code: 'not_found', message: `No route ${c.req.method} ${c.req.path}` } }, 404));

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    try {
      await connection.healthService.check({});
      return c.json({ ok: true, temporal: 'reachable' });
    } catch {
      return c.json({ ok: false, temporal: 'unreachable' }, 503);
    }
  });
  app.get('/docs', (c) => c.html(docsPage));
  app.get('/docs/assets/:name', async (c) => (await docsAsset(c.req.param('name'))) ?? c.notFound());

  const lookups = new MigrationLookups(client, s3, config.TEMPORAL_TASK_QUEUE);
  const service = new MigrationService(client, s3, lookups, uiUrl);
  const schedules = new ScheduleService(client, config, lookups);
  const routes = { config, client, s3, lookups, service, schedules, uiUrl };
  app.route('/', migrationRoutes(routes));
  app.route('/', deletionRoutes(routes));
  app.route('/', planRoutes(routes));
  app.route('/', scheduleRoutes(routes));
  // The photographer's pages: the same service behind HTML forms.
  app.use('/app/*', tooLarge(config.API_MAX_BODY_BYTES));
  app.route('/app', webRoutes(routes));

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
