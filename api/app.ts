import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type Client, type Connection, WorkflowNotFoundError } from '@temporalio/client';
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { PayloadCodec } from '@temporalio/common';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { rateLimiter } from 'hono-rate-limiter';
import { parseWorkflowId } from '../common/ids';
import { FailedAlbumRecord } from '../state/documents';
import { albumKeyOfFailedMarker, failedAlbumKey, failedAlbumsPrefix } from '../state/layout';
import { StateStore } from '../state/store';
import { createRedactor, redactDeep, secretsIn } from '../config/redact';
import { MigrationInput } from '../common/migration-input';
import { albumProgress, approveDeletion, retryAlbums } from '../workflows/messages';
import { AlbumKey, MigrationId, SmugMugAccount, StatusAttribute } from '../workflows/search-attributes';
import { codecRoutes } from './codec-routes';
import type { ApiConfig } from './config';
import { docsAsset, docsPage } from './docs-page';
import * as s from './schemas';
import { invalidRequest } from './invalid-request';
import { MigrationLookups } from './migration-lookups';
import { conflict, httpErrorOf, noWorker, notFound } from './temporal-errors';

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
  422: json(s.ErrorBody, 'The target cannot be used: no such bucket, no access, or the worker\'s token is another account\'s'),
  413: json(s.ErrorBody, 'Request body too large'),
  503: json(s.ErrorBody, 'Temporal is unreachable'),
};
const security = [{ bearer: [] }];

type StoredReport = z.infer<typeof s.Report>['report'];

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

  const lookups = new MigrationLookups(client, config.TEMPORAL_TASK_QUEUE);
  const progressOf = (id: string) => lookups.migration(id).catch((err) => Promise.reject(httpErrorOf(err, `Migration ${id}`)));

  app.openapi(
    createRoute({ method: 'post', path: '/v1/migrations', security, summary: 'Start a migration', request: { body: { content: { 'application/json': { schema: s.StartMigrationRequest } }, required: true } },
      responses: { 202: json(s.MigrationStarted, 'Started'), ...errors } }),
    async (c) => {
      const body = c.req.valid('json');
      const migrationId = body.migrationId ?? new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
      const input = MigrationInput.parse({ ...body, migrationId });
      // A run started before account workflows existed, or by hand, is found in visibility.
      const running = `WorkflowType = 'accountMigration' AND ExecutionStatus = 'Running' AND SmugMugAccount = '${input.account}'`;
      for await (const wf of client.workflow.list({ query: running, pageSize: 1 })) {
        return c.json({ error: { code: 'conflict', message: `Account ${input.account} is already migrating`, runningId: wf.workflowId } }, 409);
      }
      // The account's workflow answers only with a worker: without one, say so rather than wait.
      if (!(await lookups.workersPolling().catch((err) => Promise.reject(httpErrorOf(err, 'Temporal'))))) throw noWorker();
      const { id } = await lookups.startThroughAccount(input);
      return c.json({ id, migrationId, uiUrl: uiUrl(id), statusUrl: `/v1/migrations/${id}` }, 202);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/v1/migrations', security, summary: 'List migrations', request: { query: s.ListMigrationsQuery }, responses: { 200: json(s.MigrationList, 'A page of migrations'), ...errors } }),
    async (c) => {
      const { account, page, pageSize, ...query } = c.req.valid('query');
      const phase = query.phase ?? query.status;
      const clauses = [`WorkflowType = 'accountMigration'`];
      if (account) clauses.push(`SmugMugAccount = '${account}'`);
      if (phase) clauses.push(`${StatusAttribute.name} = '${phase}'`);
      const { items: migrations, hasMore } = await lookups.visibilityPage(clauses.join(' AND '), page, pageSize, (wf): z.infer<typeof s.MigrationSummary> => ({
        id: wf.workflowId, account: wf.typedSearchAttributes.get(SmugMugAccount), status: wf.status.name, phase: wf.typedSearchAttributes.get(StatusAttribute),
        startedAt: wf.startTime.toISOString(), closedAt: wf.closeTime?.toISOString(), uiUrl: uiUrl(wf.workflowId),
      }));
      return c.json({ migrations, page, pageSize, hasMore }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/v1/migrations/{id}', security, summary: 'Status of a migration: counts, bytes, rate, ETA', request: { params: s.MigrationIdParam }, responses: { 200: json(s.MigrationDetails, 'Status'), ...errors } }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { description, progress, workerAnswered, failure } = await progressOf(id);
      const startedAt = description.startTime;
      const elapsed = ((description.closeTime ?? new Date()).getTime() - startedAt.getTime()) / 1000;
      const k = progress?.counts;
      const bytesPerSecond = k && elapsed > 0 ? Math.round(k.transferredBytes / elapsed) : undefined;
      const settled = k ? k.albumsDone + k.albumsFailed : 0;
      const etaSeconds = k && settled > 0 && description.status.name === 'RUNNING' ? Math.round((elapsed / settled) * Math.max(0, k.albumsTotal - settled)) : undefined;
      const inFlightAlbums = description.status.name === 'RUNNING' && progress
        ? await Promise.all(progress.inFlight.map(async (workflowId) => {
          const album = await lookups.queryOrGiveUp(() => client.workflow.getHandle(workflowId).query(albumProgress));
          return album && { workflowId, albumKey: parseWorkflowId(workflowId)?.albumKey ?? '', ...album };
        })).then((list) => list.filter((a) => a !== undefined))
        : undefined;
      return c.json({
        id, account: description.typedSearchAttributes.get(SmugMugAccount), inFlightAlbums, status: description.status.name, phase: progress?.phase ?? description.typedSearchAttributes.get(StatusAttribute),
        startedAt: startedAt.toISOString(), closedAt: description.closeTime?.toISOString(), uiUrl: uiUrl(id),
        counts: k, inFlight: progress?.inFlight, failedAlbums: progress?.failedAlbums, report: progress?.report, deletion: progress?.deletion, bucket: progress?.bucket,
        bytesPerSecond, etaSeconds, failure,
        ...(workerAnswered ? {} : { workerAnswered, notice: 'No worker is polling for this migration: progress resumes when one runs (npm run worker). Phase from Temporal\'s own records.' }),
      }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/v1/migrations/{id}/albums', security, summary: 'Albums of a migration with their status', request: { params: s.MigrationIdParam, query: s.AlbumsQuery }, responses: { 200: json(s.AlbumList, 'A page of album runs'), ...errors } }),
    async (c) => {
      const { id } = c.req.valid('param');
      const { page, pageSize, status } = c.req.valid('query');
      if (status === 'failed') return c.json({ ...(await failedAlbumsPage(id, page, pageSize)), page, pageSize }, 200);
      await client.workflow.getHandle(id).describe().catch((err) => Promise.reject(httpErrorOf(err, `Migration ${id}`)));
      const { items: albums, hasMore } = await lookups.visibilityPage(`${MigrationId.name} = '${id}'`, page, pageSize, (wf): z.infer<typeof s.AlbumRun> => ({
        albumKey: wf.typedSearchAttributes.get(AlbumKey) ?? '', workflowId: wf.workflowId, status: wf.typedSearchAttributes.get(StatusAttribute) ?? 'unknown',
        runStatus: wf.status.name, startedAt: wf.startTime.toISOString(), closedAt: wf.closeTime?.toISOString(), summary: wf.memo?.summary as Record<string, unknown> | undefined,
      }));
      return c.json({ albums, page, pageSize, hasMore }, 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/v1/migrations/{id}/report', security, summary: 'The verification report and its digest', request: { params: s.MigrationIdParam }, responses: { 200: json(s.Report, 'The report'), ...errors } }),
    async (c) => {
      const { id } = c.req.valid('param');
      return c.json(await currentReport(id), 200);
    },
  );

  /** The migration's current verification report, as stored, checked against the digest the run holds. */
  async function currentReport(id: string) {
    const { progress } = await progressOf(id);
    if (!progress?.report) throw conflict('The report is not ready: it is written once every album is verified or failed');
    const object = await s3.send(new GetObjectCommand({ Bucket: progress.target.bucket, Key: progress.report.key }));
    const text = await object.Body!.transformToString();
    if (createHash('sha256').update(text).digest('hex') !== progress.report.digest) throw conflict('The report in the bucket changed; ask again in a moment');
    return { key: progress.report.key, digest: progress.report.digest, report: JSON.parse(text) as StoredReport };
  }

  /**
   * The held items of the albums an approval names, and which it includes; an approval naming an
   * ImageKey that is not held in those albums is refused, so a typo never passes for a choice.
   */
  function heldOf(report: StoredReport, request: z.infer<typeof s.ApprovalRequest>): Array<z.infer<typeof s.HeldItem>> {
    const approved = request.albums === 'all' ? new Set(report.albums.filter((a) => a.passed).map((a) => a.albumKey)) : new Set(request.albums);
    const held = (report.held ?? []).filter((h) => approved.has(h.albumKey));
    const named = Array.isArray(request.includeHeld) ? new Set(request.includeHeld) : new Set<string>();
    const unknown = [...named].filter((k) => !held.some((h) => h.imageKey === k));
    if (unknown.length > 0) throw conflict(`Not held items of the approved albums, so not included: ${unknown.join(', ')}`);
    return held.map((h) => ({ ...h, included: request.includeHeld === 'transcodes' ? h.kind === 'transcode' : named.has(h.imageKey) }));
  }

  /** A page of the migration's failed albums, from the markers in the bucket: all of them, however many. */
  async function failedAlbumsPage(id: string, page: number, pageSize: number) {
    const { progress } = await progressOf(id);
    // Runs from before the progress named its migration id cannot say where their markers are.
    const migrationId = progress?.migrationId;
    if (!progress || !migrationId) throw conflict('The failed albums are listed once a worker answers for this migration');
    const { bucket, prefix } = progress.target;
    const keys: string[] = [];
    let hasMore = false;
    let seen = 0;
    const store = new StateStore(s3, bucket);
    for await (const key of store.keys(failedAlbumsPrefix(prefix, migrationId))) {
      seen += 1;
      if (seen <= (page - 1) * pageSize) continue;
      if (keys.length === pageSize) {
        hasMore = true;
        break;
      }
      keys.push(albumKeyOfFailedMarker(prefix, migrationId, key));
    }
    const records = await Promise.all(keys.map((k) => store.get(failedAlbumKey(prefix, migrationId, k), FailedAlbumRecord)));
    const albums = records.filter((r) => r !== undefined).map((r) => ({ albumKey: r.albumKey, workflowId: r.workflowId, status: 'failed', closedAt: r.failedAt, path: r.path, error: r.error }));
    return { albums, hasMore };
  }

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
      const { digest, report } = await currentReport(id);
      if (digest !== body.reportDigest) throw conflict('The report digest does not match the current report: read the report again, then approve');
      const held = heldOf(report, body);
      try {
        const result = await client.workflow.getHandle(id).executeUpdate(approveDeletion, { args: [{ ...body, approvalId }], updateId: `approve-${approvalId}` });
        return c.json({ ...result, held }, 200);
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
