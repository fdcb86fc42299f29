import type { Connection } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { rateLimiter } from 'hono-rate-limiter';
import { randomUUID } from 'node:crypto';
import { apiApp } from '../api/app';
import { createRedactor, redactDeep, secretsIn } from '../config/redact';
import { requireToken } from '../http/auth';
import { problemOf } from '../http/problems';
import type { Services } from '../service';
import { webApp } from '../web/app';
import type { ServerConfig } from './config';

/** Bodies the Temporal UI sends to the codec: a page of a history's payloads. */
const CODEC_MAX_BODY_BYTES = 4 * 2 ** 20;
/** The window of the approval rate limit. */
const APPROVAL_WINDOW_MS = 60_000;

export interface HttpAppDeps {
  config: ServerConfig;
  services: Services;
  /** The Temporal connection, for the readiness check. */
  connection: Connection;
  /** The payload codec of the service's data converter, for the Temporal UI's /codec calls. */
  codec: PayloadCodec;
  log?: (entry: Record<string, unknown>) => void;
}

/**
 * The HTTP server's app: one line of JSON log per request, body limits, the bearer token on /v1
 * and /codec, a rate limit on approvals, health checks, and the two faces over the same service:
 * the JSON API (api/) and the photographer's pages under /app (web/).
 */
/** A path as logs keep it: a share link's secret is a credential, and never written down. */
const loggedPath = (path: string) => path.replace(/^(\/app\/shared\/[^/]+\/)[^/]+/, '$1…');

export function createHttpApp({ config, services, connection, codec, log: write = defaultLog }: HttpAppDeps) {
  const redact = createRedactor(secretsIn({ ...process.env, ...config }));
  const log = (entry: Record<string, unknown>) => write(redactDeep(entry, redact));
  const app = new Hono();

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
      path: loggedPath(c.req.path),
      status: c.res.status,
      durationMs: Date.now() - started,
    });
  });
  const tokenRequired = requireToken(config);
  app.use('/v1/*', limitBodies(config.API_MAX_BODY_BYTES));
  app.use('/v1/*', tokenRequired);
  // Approvals delete originals: a client looping on them (or guessing digests) is slowed down, per migration, after authentication.
  app.use('/v1/migrations/:id/deletion/approve', approvalRateLimit(config.APPROVAL_RATE_LIMIT_PER_MINUTE));
  app.use('/codec/*', limitBodies(CODEC_MAX_BODY_BYTES));
  app.use('/app/*', limitBodies(config.API_MAX_BODY_BYTES));

  app.onError((err, c) => {
    const problem = problemOf(err, 'migration');
    if (problem.status >= 500)
      log({
        time: new Date().toISOString(),
        level: 'error',
        msg: 'request failed',
        path: loggedPath(c.req.path),
        // The name and gRPC code say what failed when the message is empty (a connection torn down).
        error: `${(err as Error).name}: ${(err as Error).message}`,
        code: (err as { code?: number }).code,
      });
    return c.json(problem.body, problem.status as 500);
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

  app.route(
    '/',
    apiApp(services, { codec, uiOrigin: new URL(config.TEMPORAL_UI_URL).origin, requireToken: tokenRequired }),
  );
  app.route('/app', webApp(services, config));
  return app;
}

const defaultLog = (entry: Record<string, unknown>) => console.log(JSON.stringify(entry));

/** A body over `maxSize` bytes is refused with 413 before anything reads it. */
function limitBodies(maxSize: number) {
  return bodyLimit({
    maxSize,
    onError: (c) =>
      c.json({ error: { code: 'payload_too_large', message: `Request bodies are limited to ${maxSize} bytes` } }, 413),
  });
}

/** At most `limit` approval requests per migration per minute: 429 with RateLimit headers beyond. */
function approvalRateLimit(limit: number) {
  return rateLimiter({
    windowMs: APPROVAL_WINDOW_MS,
    limit,
    standardHeaders: 'draft-7',
    keyGenerator: (c) => c.req.param('id') ?? '',
    handler: (c) =>
      c.json(
        {
          error: {
            code: 'rate_limited',
            message: `At most ${limit} approval requests per migration per minute: try again shortly`,
          },
        },
        429,
      ),
  });
}
