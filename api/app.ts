import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type Client, type Connection, type WorkflowExecutionInfo, WorkflowNotFoundError } from '@temporalio/client';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { PayloadCodec } from '@temporalio/common';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { rateLimiter } from 'hono-rate-limiter';
import { accountWorkflowId } from '../common/ids';
import { createRedactor, redactDeep, secretsIn } from '../common/redact';
import { MigrationInput } from '../common/migration-input';
import type { MigrationProgress } from '../common/migration-types';
import { accountMigration } from '../workflows/account-migration';
import { albumProgress, approveDeletion, migrationProgress, retryAlbums } from '../workflows/messages';
import { AlbumKey, MigrationId, MigrationStatus as MigrationStatusAttribute, SmugMugAccount } from '../workflows/search-attributes';
import { codecRoutes } from './codec-routes';
import type { ApiConfig } from './config';
import { docsAsset, docsPage } from './docs-page';
import * as s from './schemas';
import { invalidRequest } from './invalid-request';
import { conflict, httpErrorOf, notFound } from './temporal-errors';

export interface ApiDeps {
  config: ApiConfig;
  connection: Connection;
  client: Client;
  /** The payload codec of the service's data converter, for the Temporal UI's /codec calls. */
  codec: PayloadCodec;
  s3: S3Client;
  log?: (entry: Record<string, unknown>) => void;
}

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const errors = {
  400: json(s.ErrorBody, 'Bad input: the fields and the problems'),
  401: json(s.ErrorBody, 'Missing or wrong bearer token'),
  404: json(s.ErrorBody, 'No such migration'),
  409: json(s.ErrorBody, 'Refused in the migration\'s current state'),
  413: json(s.ErrorBody, 'Request body too large'),
  503: json(s.ErrorBody, 'Temporal is unreachable'),
};
const security = [{ bearer: [] }];

function sameSecret(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison takes the same time whatever is sent.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The HTTP API: start, list, watch, retry, approve deletion, cancel, report. */
export function createApiApp({ config, connection, client, codec, s3, log: write = (e) => console.log(JSON.stringify(e)) }: ApiDeps) {
  const redact = createRedactor(secretsIn({ ...process.env, ...config }));
  const log = (entry: Record<string, unknown>) => write(redactDeep(entry, redact));
  const app = new OpenAPIHono({ defaultHook: invalidRequest });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  const uiUrl = (id: string) => `${config.TEMPORAL_UI_URL}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows/${encodeURIComponent(id)}`;

  app.use('*', async (c, next) => {
    const started = Date.now();
    const requestId = c.req.header('x-request-id') ?? randomUUID();
    c.header('x-request-id', requestId);
    await next();
    log({ time: new Date().toISOString(), level: c.res.status >= 500 ? 'error' : 'info', msg: 'request', requestId, method: c.req.method, path: c.req.path, status: c.res.status, durationMs: Date.now() - started });
  });
  const requireToken: MiddlewareHandler = async (c, next) => {
    if (config.API_AUTH === 'local-demo') return next();
    const header = c.req.header('authorization') ?? '';
    const token = /^Bearer (.+)$/i.exec(header)?.[1];
    if (!token || !sameSecret(token, config.API_TOKEN!)) {
      return c.json({ error: { code: 'unauthorized', message: 'Send Authorization: Bearer <API_TOKEN>' } }, 401, { 'WWW-Authenticate': 'Bearer' });
    }
    return next();
  };
  const tooLarge = (maxSize: number) => bodyLimit({
    maxSize, onError: (c) => c.json({ error: { code: 'payload_too_large', message: `Request bodies are limited to ${maxSize} bytes` } }, 413),
  });
  app.use('/v1/*', tooLarge(config.API_MAX_BODY_BYTES));
  app.use('/v1/*', requireToken);
  // Approvals delete originals: a client looping on them (or guessing digests) is slowed down, per migration, after authentication.
  app.use('/v1/migrations/:id/deletion/approve', rateLimiter({
    windowMs: 60_000, limit: config.APPROVAL_RATE_LIMIT_PER_MINUTE, standardHeaders: 'draft-7', keyGenerator: (c) => c.req.param('id') ?? '',
    handler: (c) => c.json({ error: { code: 'rate_limited', message: `At most ${config.APPROVAL_RATE_LIMIT_PER_MINUTE} approval requests per migration per minute: try again shortly` } }, 429),
  }));
  app.use('/codec/*', tooLarge(4 * 2 ** 20));
  app.route('/codec', codecRoutes({ codec, uiOrigin: new URL(config.TEMPORAL_UI_URL).origin, requireToken }));
  app.onError((err, c) => {
    const http = httpErrorOf(err, 'migration');
    if (http.status >= 500) log({ time: new Date().toISOString(), level: 'error', msg: 'request failed', path: c.req.path, error: String((err as Error).message) });
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

  /** One page of a visibility query, numbered from 1, and whether more follow. */
  async function visibilityPage<T>(query: string, page: number, pageSize: number, map: (wf: WorkflowExecutionInfo) => T) {
    const items: T[] = [];
    let seen = 0;
    for await (const wf of client.workflow.list({ query, pageSize: Math.min(1000, page * pageSize + 1) })) {
      seen += 1;
      if (seen <= (page - 1) * pageSize) continue;
      if (items.length === pageSize) return { items, hasMore: true };
      items.push(map(wf));
    }
    return { items, hasMore: false };
  }

  /** Progress of a migration, running or finished; undefined when it left no result (failed, cancelled). */
  async function progressOf(id: string): Promise<{ description: Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['describe']>>; progress?: MigrationProgress }> {
    const handle = client.workflow.getHandle<typeof accountMigration>(id);
    const description = await handle.describe();
    if (description.type !== 'accountMigration') throw notFound('migration');
    if (description.status.name === 'RUNNING') return { description, progress: await handle.query(migrationProgress) };
    if (description.status.name === 'COMPLETED') return { description, progress: await handle.result() };
    return { description };
  }

  app.openapi(
    createRoute({ method: 'post', path: '/v1/migrations', security, summary: 'Start a migration', request: { body: { content: { 'application/json': { schema: s.StartMigrationRequest } }, required: true } },
      responses: { 202: json(s.MigrationStarted, 'Started'), ...errors } }),
    async (c) => {
      const body = c.req.valid('json');
      const migrationId = body.migrationId ?? new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
      const input = MigrationInput.parse({ ...body, migrationId });
      for await (const running of client.workflow.list({ query: `WorkflowType = 'accountMigration' AND ExecutionStatus = 'Running' AND SmugMugAccount = '${input.account}'`, pageSize: 1 })) {
        return c.json({ error: { code: 'conflict', message: `Account ${input.account} is already migrating`, runningId: running.workflowId } }, 409);
      }
      const id = accountWorkflowId(input.account, migrationId);
      try {
        await client.workflow.start(accountMigration, {
          taskQueue: config.TEMPORAL_TASK_QUEUE, workflowId: id, args: [input], workflowIdConflictPolicy: 'FAIL',
          typedSearchAttributes: [{ key: SmugMugAccount, value: input.account }, { key: MigrationStatusAttribute, value: 'preflight' }],
          staticSummary: `Migrate SmugMug ${input.account} to s3://${input.target.bucket}/${input.target.prefix}`,
        });
      } catch (err) {
        throw httpErrorOf(err, `Migration ${id}`);
      }
      return c.json({ id, migrationId, uiUrl: uiUrl(id), statusUrl: `/v1/migrations/${id}` }, 202);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/v1/migrations', security, summary: 'List migrations', request: { query: s.ListMigrationsQuery }, responses: { 200: json(s.MigrationList, 'A page of migrations'), ...errors } }),
    async (c) => {
      const { account, status, page, pageSize } = c.req.valid('query');
      const clauses = [`WorkflowType = 'accountMigration'`];
      if (account) clauses.push(`SmugMugAccount = '${account}'`);
      if (status) clauses.push(`MigrationStatus = '${status}'`);
      const { items: migrations, hasMore } = await visibilityPage(clauses.join(' AND '), page, pageSize, (wf): z.infer<typeof s.MigrationSummary> => ({
        id: wf.workflowId, account: wf.typedSearchAttributes.get(SmugMugAccount), status: wf.status.name, phase: wf.typedSearchAttributes.get(MigrationStatusAttribute),
        startedAt: wf.startTime.toISOString(), closedAt: wf.closeTime?.toISOString(), uiUrl: uiUrl(wf.workflowId),
      }));
      return c.json({ migrations, page, pageSize, hasMore }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/v1/migrations/{id}', security, summary: 'Status of a migration: counts, bytes, rate, ETA', request: { params: s.MigrationIdParam }, responses: { 200: json(s.MigrationStatus, 'Status'), ...errors } }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { description, progress } = await progressOf(id).catch((err) => Promise.reject(httpErrorOf(err, `Migration ${id}`)));
      const startedAt = description.startTime;
      const elapsed = ((description.closeTime ?? new Date()).getTime() - startedAt.getTime()) / 1000;
      const k = progress?.counts;
      const bytesPerSecond = k && elapsed > 0 ? Math.round(k.transferredBytes / elapsed) : undefined;
      const settled = k ? k.albumsDone + k.albumsFailed : 0;
      const etaSeconds = k && settled > 0 && description.status.name === 'RUNNING' ? Math.round((elapsed / settled) * Math.max(0, k.albumsTotal - settled)) : undefined;
      const inFlightAlbums = description.status.name === 'RUNNING' && progress
        ? await Promise.all(progress.inFlight.map(async (workflowId) => {
          const album = await client.workflow.getHandle(workflowId).query(albumProgress).catch(() => undefined);
          return album && { workflowId, albumKey: /album-([A-Za-z0-9]+)/.exec(workflowId)?.[1] ?? '', ...album };
        })).then((list) => list.filter((a) => a !== undefined))
        : undefined;
      return c.json({
        id, account: description.typedSearchAttributes.get(SmugMugAccount), inFlightAlbums, status: description.status.name, phase: progress?.phase ?? description.typedSearchAttributes.get(MigrationStatusAttribute),
        startedAt: startedAt.toISOString(), closedAt: description.closeTime?.toISOString(), uiUrl: uiUrl(id),
        counts: k, inFlight: progress?.inFlight, failedAlbums: progress?.failedAlbums, report: progress?.report, deletion: progress?.deletion, bucket: progress?.bucket,
        bytesPerSecond, etaSeconds,
      }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/v1/migrations/{id}/albums', security, summary: 'Albums of a migration with their status', request: { params: s.MigrationIdParam, query: s.Paging }, responses: { 200: json(s.AlbumList, 'A page of album runs'), ...errors } }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { page, pageSize } = c.req.valid('query');
      await client.workflow.getHandle(id).describe().catch((err) => Promise.reject(httpErrorOf(err, `Migration ${id}`)));
      const { items: albums, hasMore } = await visibilityPage(`${MigrationId.name} = '${id}'`, page, pageSize, (wf): z.infer<typeof s.AlbumRun> => ({
        albumKey: wf.typedSearchAttributes.get(AlbumKey) ?? '', workflowId: wf.workflowId, status: wf.typedSearchAttributes.get(MigrationStatusAttribute) ?? 'unknown',
        runStatus: wf.status.name, startedAt: wf.startTime.toISOString(), closedAt: wf.closeTime?.toISOString(), summary: wf.memo?.summary as Record<string, unknown> | undefined,
      }));
      return c.json({ albums, page, pageSize, hasMore }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/v1/migrations/{id}/report', security, summary: 'The verification report and its digest', request: { params: s.MigrationIdParam }, responses: { 200: json(s.Report, 'The report'), ...errors } }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { progress } = await progressOf(id).catch((err) => Promise.reject(httpErrorOf(err, `Migration ${id}`)));
      if (!progress?.report) throw conflict('The report is not ready: it is written once every album is verified or failed');
      const object = await s3.send(new GetObjectCommand({ Bucket: progress.target.bucket, Key: progress.report.key }));
      const text = await object.Body!.transformToString();
      if (createHash('sha256').update(text).digest('hex') !== progress.report.digest) throw conflict('The report in the bucket changed; ask again in a moment');
      return c.json({ key: progress.report.key, digest: progress.report.digest, report: JSON.parse(text) as Record<string, unknown> }, 200);
    },
  );

  const retry = async (id: string, albumKeys?: string[]) => {
    try {
      return await client.workflow.getHandle(id).executeUpdate(retryAlbums, { args: [{ albumKeys }] });
    } catch (err) {
      throw httpErrorOf(err, `Migration ${id}`);
    }
  };
  app.openapi(
    createRoute({ method: 'post', path: '/v1/migrations/{id}/albums/{albumKey}/retry', security, summary: 'Run a failed album again', request: { params: s.AlbumParams }, responses: { 202: json(s.RetryAccepted, 'Retry started'), ...errors } }),
    async (c) => {
      const { id, albumKey } = c.req.valid('param');
      return c.json(await retry(id, [albumKey]), 202);
    },
  );
  app.openapi(
    createRoute({ method: 'post', path: '/v1/migrations/{id}/retry-failed', security, summary: 'Run every failed album again', request: { params: s.MigrationIdParam }, responses: { 202: json(s.RetryAccepted, 'Retries started'), ...errors } }),
    async (c) => c.json(await retry(c.req.valid('param').id), 202),
  );

  app.openapi(
    createRoute({ method: 'post', path: '/v1/migrations/{id}/deletion/approve', security, summary: 'Approve deleting the verified originals on SmugMug',
      request: { params: s.MigrationIdParam, body: { content: { 'application/json': { schema: s.ApprovalRequest } }, required: true } },
      responses: { 200: json(s.ApprovalResult, 'Approved (or, for a dry run, listed)'), 429: json(s.ErrorBody, 'Too many approval requests for this migration'), ...errors } }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      // The same request sent twice is one approval.
      const approvalId = c.req.header('idempotency-key') ?? createHash('sha256').update(JSON.stringify([id, body])).digest('hex').slice(0, 32);
      try {
        const result = await client.workflow.getHandle(id).executeUpdate(approveDeletion, { args: [{ ...body, approvalId }], updateId: `approve-${approvalId}` });
        return c.json(result, 200);
      } catch (err) {
        throw httpErrorOf(err, `Migration ${id}`);
      }
    },
  );

  app.openapi(
    createRoute({ method: 'post', path: '/v1/migrations/{id}/cancel', security, summary: 'Cancel a migration (copies made stay; nothing is deleted)', request: { params: s.MigrationIdParam }, responses: { 202: json(s.Accepted, 'Cancellation requested'), ...errors } }),
    async (c) => {
      const { id } = c.req.valid('param');
      try {
        const handle = client.workflow.getHandle(id);
        const { status, type } = await handle.describe();
        if (type !== 'accountMigration') throw notFound('migration');
        if (status.name !== 'RUNNING') throw conflict(`Migration ${id} is not running (${status.name})`);
        await handle.cancel();
      } catch (err) {
        if (err instanceof HTTPException) throw err;
        throw err instanceof WorkflowNotFoundError ? notFound('migration') : httpErrorOf(err, `Migration ${id}`);
      }
      return c.json({ id, status: 'cancel-requested' }, 202);
    },
  );

  app.doc('/openapi.json', { openapi: '3.0.3', info: { title: 'smugmug-s3 migration API', version: '1.0.0', description: 'Start, watch, retry and approve SmugMug → S3 migrations.' } });
  return app;
}
