import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { AdminRoutes } from './admin-routes';
import { ApiRoutes } from './api-routes';
import { Callers } from './callers';
import { countIn, HttpError, type SandboxContext, type SandboxCredentials, SandboxOptions } from './context';
import { errorEnvelope } from './envelope';
import { type Counters, emptyCounters, FaultInjector, type FaultRule } from './faults';
import { generateLibrary, type SandboxLibrary } from './library';
import { MediaRoutes } from './media-routes';
import { type Access, type AccessToken, OAuthProvider, type Permissions } from './oauth-server';
import { OAuthRoutes } from './oauth-routes';
import { Responses } from './responses';
import { UPLOAD_PATH, UploadRoutes } from './upload-routes';

export { SandboxOptions, type SandboxCredentials } from './context';

export interface RunningSandbox {
  url: string;
  credentials: SandboxCredentials;
  library: SandboxLibrary;
  faults: FaultInjector;
  counters: () => Counters;
  close(): Promise<void>;
}

function presetToken(name: string, access: Access, permissions: Permissions): AccessToken {
  return { token: `sandbox-${name}-token`, secret: `sandbox-${name}-secret`, access, permissions };
}

/**
 * Faults that replace the whole response (status faults) are thrown as that response; body faults
 * (reset, truncate, corrupt) are returned, for the route to send its body through.
 */
function takeFault(sandbox: SandboxContext, res: ServerResponse, target: 'api' | 'media', path: string) {
  const fault: FaultRule | undefined = sandbox.faults.take(target, path);
  if (!fault) return undefined;
  countIn(sandbox.counters.faultsFired, fault.kind);
  switch (fault.kind) {
    case 'rate-limit':
      res.setHeader('X-RateLimit-Remaining', '0');
      res.setHeader('X-RateLimit-Reset', String(Math.ceil(Date.now() / 1000) + fault.retryAfterSeconds));
      throw new HttpError(429, 'Too Many Requests', { 'Retry-After': String(fault.retryAfterSeconds) });
    case 'server-error':
      throw new HttpError(fault.status, 'Service Unavailable');
    case 'not-found':
      throw new HttpError(404, 'Not Found');
    case 'html-error':
      throw Object.assign(new HttpError(fault.status, 'Service Unavailable'), { html: true });
    default:
      return fault;
  }
}

/**
 * A local server that speaks the part of SmugMug API v2 the service uses, as the real one does,
 * over a generated library. Split by what it serves: the API (api-routes.ts), the bytes
 * (media-routes.ts), OAuth (oauth-routes.ts) and the tests' controls (admin-routes.ts); here, the
 * order a request goes through: the controls, the network's latency, OAuth and the file index,
 * then armed faults, then media or the API.
 */
export async function startSandbox(input: SandboxOptions): Promise<RunningSandbox> {
  const options = SandboxOptions.parse(input);
  const library = await generateLibrary(options.library, options.mediaDir);
  const oauth = new OAuthProvider(options.consumerKey, options.consumerSecret);
  const credentials: SandboxCredentials = {
    consumerKey: options.consumerKey,
    consumerSecret: options.consumerSecret,
    fullModify: presetToken('full-modify', 'Full', 'Modify'),
    fullRead: presetToken('full-read', 'Full', 'Read'),
    publicRead: presetToken('public-read', 'Public', 'Read'),
  };
  for (const t of [credentials.fullModify, credentials.fullRead, credentials.publicRead]) oauth.addAccessToken(t);
  const faults = new FaultInjector();
  for (const rule of options.faults) faults.add(rule);
  const sandbox: SandboxContext = {
    options,
    library,
    oauth,
    credentials,
    faults,
    counters: emptyCounters(),
    baseUrl: '',
  };
  const send = new Responses(sandbox);
  const callers = new Callers(sandbox);
  const api = new ApiRoutes(sandbox, callers, send);
  const media = new MediaRoutes(sandbox, send, callers);
  const oauthRoutes = new OAuthRoutes(sandbox, send);
  const admin = new AdminRoutes(sandbox, send);
  const upload = new UploadRoutes(sandbox, callers, send);

  async function handle(req: IncomingMessage, res: ServerResponse) {
    sandbox.counters.requests.total += 1;
    const url = new URL(req.url ?? '/', sandbox.baseUrl);
    const target = url.pathname.startsWith('/photos/') ? 'media' : 'api';
    const fileIndex = url.pathname === '/files' || url.pathname.startsWith('/files/');
    try {
      if (url.pathname.startsWith('/__sandbox/')) return await admin.handle(req, res, url);
      const latencyMs = target === 'media' || fileIndex ? options.mediaFirstByteMs : options.apiLatencyMs;
      if (latencyMs > 0) await delay(latencyMs);
      if (url.pathname.startsWith('/services/oauth/1.0a/')) return await oauthRoutes.handle(req, res, url);
      if (fileIndex) return await media.fileIndex(res, url);
      if (url.pathname.startsWith('/previews/')) return await media.preview(req, res, url);
      if (url.pathname === UPLOAD_PATH) return await upload.handle(req, res, url);
      sandbox.counters.requests[target] += 1;
      const fault = takeFault(sandbox, res, target, url.pathname);
      if (target === 'media') {
        if (options.requireSignedMedia) callers.authenticate(req, url);
        return await media.media(req, res, url, fault);
      }
      if (!url.pathname.startsWith('/api/v2')) throw new HttpError(404, 'Not Found');
      if (req.method === 'POST' || req.method === 'PATCH') return await api.write(req, res, url, fault);
      api.handle(req, res, url, fault);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      const headers = err instanceof HttpError ? err.headers : {};
      if ((err as { html?: boolean }).html) {
        return void send.buffer(
          res,
          status,
          Buffer.from(`<html><body><h1>${status} ${message}</h1></body></html>`),
          'text/html',
          undefined,
          headers,
        );
      }
      send.json(
        res,
        status,
        errorEnvelope(status, message, req.method ?? 'GET', url.pathname),
        url,
        undefined,
        headers,
      );
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  sandbox.baseUrl = `http://${options.host}:${port}`;

  return {
    url: sandbox.baseUrl,
    credentials,
    library,
    faults,
    counters: () => sandbox.counters,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
