import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import {
  applyResponseOptions,
  errorEnvelope,
  listEnvelope,
  objectEnvelope,
  pageRequest,
  type ApiObject,
  type Endpoint,
  type UriLink,
} from './envelope';
import { type Counters, emptyCounters, FaultInjector, FaultRule } from './faults';
import {
  addPhoto,
  generateLibrary,
  LibraryOptions,
  type SandboxAlbum,
  type SandboxImage,
  type SandboxLibrary,
} from './library';

/** A change a user makes to an image's metadata on SmugMug (title, caption, keywords). */
const ImageEdit = z.object({
  title: z.string().optional(),
  caption: z.string().optional(),
  keywords: z.array(z.string()).optional(),
});

const NewImage = z.object({
  fileName: z.string().min(1),
  bytes: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31)
    .default(50_000),
});
import type { MediaFile } from './media-files';
import {
  type AccessToken,
  type Caller,
  OAuthError,
  OAuthProvider,
  oauthEncode,
  type Access,
  type Permissions,
} from './oauth-server';
import * as rep from './representations';

export const SandboxOptions = z.object({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  mediaDir: z.string(),
  library: LibraryOptions.default(LibraryOptions.parse({})),
  consumerKey: z.string().default('sandbox-api-key'),
  consumerSecret: z.string().default('sandbox-api-secret'),
  defaultPageSize: z.number().int().positive().default(50),
  /** Server-side cap on `count`; larger requests are clamped (RequestedCount says so). */
  maxPageSize: z.number().int().positive().default(100),
  /** Requests per user and app in one window, as SmugMug's X-RateLimit headers describe. */
  rateLimit: z
    .object({ requests: z.number().int().positive(), windowSeconds: z.number().positive() })
    .default({ requests: 100_000, windowSeconds: 60 }),
  /** Media (ArchivedUri) requests must be OAuth-signed too, as private originals are. */
  requireSignedMedia: z.boolean().default(true),
  faults: z.array(FaultRule).default([]),
  /** Caps how fast originals are served, to behave like a real link (unset: as fast as the disk). */
  mediaBytesPerSecond: z.number().int().positive().optional(),
  /** A wait before each original's response (a distant server's first byte), in ms. */
  mediaFirstByteMs: z.number().int().min(0).default(0),
  /** A wait before each API or OAuth response (a distant server's round trips), in ms. */
  apiLatencyMs: z.number().int().min(0).default(0),
});
export type SandboxOptions = z.input<typeof SandboxOptions>;

/** The tokens the sandbox trusts from the start, so tools can skip the PIN flow. */
export interface SandboxCredentials {
  consumerKey: string;
  consumerSecret: string;
  fullModify: AccessToken;
  fullRead: AccessToken;
  publicRead: AccessToken;
}

export interface RunningSandbox {
  url: string;
  credentials: SandboxCredentials;
  library: SandboxLibrary;
  faults: FaultInjector;
  counters: () => Counters;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const PERMISSION_RANK: Record<Permissions, number> = { Read: 0, Add: 1, Modify: 2 };

function presetToken(name: string, access: Access, permissions: Permissions): AccessToken {
  return { token: `sandbox-${name}-token`, secret: `sandbox-${name}-secret`, access, permissions };
}

async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Paces a stream to `bytesPerSecond`. */
function throttled(bytesPerSecond: number): Transform {
  const started = Date.now();
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      sent += chunk.length;
      const wait = (sent / bytesPerSecond) * 1000 - (Date.now() - started);
      setTimeout(() => done(null, chunk), Math.max(0, wait));
    },
  });
}

/** Cuts or corrupts a body on its way out, as the armed fault says, and counts the bytes. */
function faultyBody(
  fault: FaultRule | undefined,
  total: number,
  onBytes: (n: number) => void,
  onCut: () => void,
): Transform {
  const cutAt =
    fault && (fault.kind === 'reset' || fault.kind === 'truncate')
      ? (fault.afterBytes ?? Math.floor(total / 2))
      : Infinity;
  const corruptAt = fault?.kind === 'corrupt' ? Math.floor(total / 2) : -1;
  let sent = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      if (sent >= cutAt) return done();
      let out = chunk.length > cutAt - sent ? chunk.subarray(0, cutAt - sent) : chunk;
      if (corruptAt >= sent && corruptAt < sent + out.length) {
        out = Buffer.from(out);
        out[corruptAt - sent] ^= 0xff;
      }
      sent += out.length;
      onBytes(out.length);
      this.push(out);
      if (sent >= cutAt) onCut();
      done();
    },
  });
}

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
  let counters = emptyCounters();
  const rateWindows = new Map<string, { resetAt: number; used: number }>();
  let baseUrl = '';

  const count = (record: Record<string, number>, key: string, n = 1) => {
    record[key] = (record[key] ?? 0) + n;
  };

  function sendJson(
    res: ServerResponse,
    status: number,
    body: unknown,
    url: URL,
    fault?: FaultRule,
    headers: Record<string, string> = {},
  ) {
    const text = Buffer.from(url.searchParams.has('_pretty') ? JSON.stringify(body, null, 2) : JSON.stringify(body));
    void sendBuffer(res, status, text, 'application/json; charset=utf-8', fault, headers);
  }

  const throttle = options.mediaBytesPerSecond ? () => throttled(options.mediaBytesPerSecond!) : undefined;

  async function sendBuffer(
    res: ServerResponse,
    status: number,
    body: Buffer,
    type: string,
    fault: FaultRule | undefined,
    headers: Record<string, string>,
  ) {
    await sendStream(
      res,
      status,
      () => Readable.from([body]),
      body.length,
      type,
      fault,
      headers,
      () => undefined,
    );
  }

  /** Writes a body of known length, applying a reset/truncate/corrupt fault on the way. */
  async function sendStream(
    res: ServerResponse,
    status: number,
    open: () => Readable,
    length: number,
    type: string,
    fault: FaultRule | undefined,
    headers: Record<string, string>,
    onBytes: (n: number) => void,
    pace?: () => Transform,
  ) {
    count(counters.byStatus, String(status));
    res.statusCode = status;
    res.setHeader('Content-Type', type);
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    // A truncated body says nothing about its length, so only a size/MD5 check can catch it.
    if (fault?.kind !== 'truncate') res.setHeader('Content-Length', String(length));
    if (res.req.method === 'HEAD') return void res.end();
    const socket = res.req.socket;
    const body = faultyBody(fault, length, onBytes, () => {
      if (fault?.kind === 'reset') setImmediate(() => socket.resetAndDestroy());
    });
    try {
      if (pace) await pipeline(open(), pace(), body, res);
      else await pipeline(open(), body, res);
    } catch {
      // The client went away or the fault cut the connection; nothing more to send.
    }
  }

  function checkRateLimit(res: ServerResponse, caller: Caller) {
    const key = `${caller.consumerKey}&${caller.accessToken?.token ?? ''}`;
    const now = Date.now();
    let window = rateWindows.get(key);
    if (!window || window.resetAt <= now) {
      window = { resetAt: now + options.rateLimit.windowSeconds * 1000, used: 0 };
      rateWindows.set(key, window);
    }
    window.used += 1;
    const resetSeconds = Math.ceil(window.resetAt / 1000);
    res.setHeader('X-RateLimit-Limit', String(options.rateLimit.requests));
    res.setHeader('X-RateLimit-Remaining', String(Math.max(0, options.rateLimit.requests - window.used)));
    res.setHeader('X-RateLimit-Reset', String(resetSeconds));
    if (window.used > options.rateLimit.requests) {
      throw new HttpError(429, 'Too Many Requests', {
        'Retry-After': String(Math.max(1, Math.ceil((window.resetAt - now) / 1000))),
      });
    }
  }

  /** Faults that replace the whole response (status faults); body faults are returned for the sender. */
  function takeFault(res: ServerResponse, target: 'api' | 'media', path: string): FaultRule | undefined {
    const fault = faults.take(target, path);
    if (!fault) return undefined;
    count(counters.faultsFired, fault.kind);
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

  function authenticate(req: IncomingMessage, url: URL): Caller {
    // APIKey= without a signature reads public data, as SmugMug allows.
    const apiKey = url.searchParams.get('APIKey');
    if (apiKey && !req.headers.authorization && !url.searchParams.has('oauth_signature')) {
      if (apiKey !== options.consumerKey) throw new HttpError(401, 'Invalid API key');
      if (req.method !== 'GET' && req.method !== 'HEAD')
        throw new HttpError(401, 'Unauthorized: an OAuth access token is required');
      return { consumerKey: apiKey, oauthParams: {} };
    }
    try {
      return oauth.verify(req, url, undefined, 'access');
    } catch (err) {
      if (err instanceof OAuthError)
        throw new HttpError(401, `Unauthorized: ${err.message} (oauth_problem=${err.problem})`);
      throw err;
    }
  }

  const viewOf = (caller: Caller): rep.View => ({ library, access: caller.accessToken?.access ?? 'Public', baseUrl });

  function requireModify(caller: Caller) {
    const granted = caller.accessToken?.permissions ?? 'Read';
    if (PERMISSION_RANK[granted] < PERMISSION_RANK.Modify) {
      throw new HttpError(
        401,
        'The user has not granted the required permissions: this action needs Permissions=Modify',
      );
    }
  }

  function findAlbum(view: rep.View, albumKey: string): SandboxAlbum {
    const album = library.albums.get(albumKey);
    if (!album || !rep.nodeVisible(view, library.nodes.get(album.nodeId)!)) throw new HttpError(404, 'Not Found');
    return album;
  }

  function findImage(view: rep.View, id: string): SandboxImage {
    const m = /^([A-Za-z0-9]+)-(\d+)$/.exec(id);
    const image = m ? library.images.get(m[1]) : undefined;
    if (!image || image.serial !== Number(m![2]) || !rep.imageVisible(view, image))
      throw new HttpError(404, 'Not Found');
    return image;
  }

  function recordDeletion(image: SandboxImage, albumKey?: string) {
    counters.deletions.push({ imageKey: image.imageKey, albumKey, at: new Date().toISOString() });
  }

  /** Deleting an image removes it everywhere; removing a collected copy leaves the original album alone. */
  function deleteImageEverywhere(image: SandboxImage) {
    image.deleted = true;
    for (const album of library.albums.values())
      album.placements = album.placements.filter((p) => p.imageKey !== image.imageKey);
  }

  /**
   * `_expand=ImageMetadata`: each image's `!metadata` inlined in a top-level `Expansions`, keyed by
   * its URI, as SmugMug does. Other expansion names are not served (left out, not refused).
   */
  function expansionsOf(view: rep.View, response: Record<string, unknown>, url: URL) {
    const names = url.searchParams.get('_expand')?.split(',').filter(Boolean) ?? [];
    if (!names.includes('ImageMetadata')) return undefined;
    const payload = response[response.Locator as string];
    const objects = (Array.isArray(payload) ? payload : payload ? [payload] : []) as ApiObject[];
    const expansions: Record<string, unknown> = {};
    for (const object of objects) {
      const uri = (object.Uris as Record<string, UriLink> | undefined)?.ImageMetadata?.Uri;
      const m = uri ? /^\/api\/v2\/image\/([^/!]+)!metadata$/.exec(uri) : null;
      if (!uri || !m) continue;
      const metadata = rep.imageMetadataObject(findImage(view, m[1]));
      expansions[uri] = { Uri: uri, Locator: 'ImageMetadata', LocatorType: 'Object', ImageMetadata: metadata };
    }
    return expansions;
  }

  function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    caller: Caller,
    fault: FaultRule | undefined,
  ) {
    const view = viewOf(caller);
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    const e = (locator: string, description: string, endpointType?: string): Endpoint => ({
      uri: url.pathname,
      method,
      locator,
      description,
      endpointType,
    });
    const page = () => pageRequest(url, options.defaultPageSize, options.maxPageSize);
    const reply = (envelope: ReturnType<typeof objectEnvelope> | ReturnType<typeof listEnvelope>) => {
      const expansions = expansionsOf(view, envelope.Response, url);
      applyResponseOptions(envelope, url);
      sendJson(res, 200, expansions ? { ...envelope, Expansions: expansions } : envelope, url, fault);
    };
    let m: RegExpExecArray | null;

    if (method === 'DELETE') {
      requireModify(caller);
      if ((m = /^\/api\/v2\/album\/([^/!]+)\/image\/([^/!]+)$/.exec(path))) {
        const album = findAlbum(view, m[1]);
        const image = findImage(view, m[2]);
        const placement = album.placements.find((p) => p.imageKey === image.imageKey);
        if (!placement) throw new HttpError(404, 'Not Found');
        if (placement.origin === 'Collected') album.placements = album.placements.filter((p) => p !== placement);
        else deleteImageEverywhere(image);
        recordDeletion(image, album.albumKey);
        return reply(objectEnvelope(e('AlbumImage', 'Image from album'), undefined));
      }
      if ((m = /^\/api\/v2\/image\/([^/!]+)$/.exec(path))) {
        const image = findImage(view, m[1]);
        deleteImageEverywhere(image);
        recordDeletion(image);
        return reply(objectEnvelope(e('Image', 'Image by key'), undefined));
      }
      throw new HttpError(405, 'Method Not Allowed');
    }
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'Method Not Allowed');

    if (path === '/api/v2!authuser') {
      if (!caller.accessToken) throw new HttpError(401, 'Unauthorized: !authuser needs an OAuth access token');
      return reply(objectEnvelope(e('User', 'User By Nickname', 'User'), rep.userObject(view)));
    }
    if ((m = /^\/api\/v2\/user\/([^/!]+)(!albums)?$/.exec(path))) {
      if (m[1] !== library.nickname) throw new HttpError(404, 'Not Found');
      if (!m[2]) return reply(objectEnvelope(e('User', 'User By Nickname'), rep.userObject(view)));
      const albums: ReturnType<typeof rep.albumObject>[] = [];
      const walk = (nodeId: string) => {
        const node = library.nodes.get(nodeId)!;
        if (!rep.nodeVisible(view, node)) return;
        if (node.albumKey) albums.push(rep.albumObject(view, library.albums.get(node.albumKey)!));
        node.childIds.forEach(walk);
      };
      walk(library.rootNodeId);
      return reply(listEnvelope(e('Album', "All of user's albums", 'UserAlbums'), albums, page()));
    }
    if ((m = /^\/api\/v2\/node\/([^/!]+)(!children)?$/.exec(path))) {
      const node = library.nodes.get(m[1]);
      if (!node || !rep.nodeVisible(view, node)) throw new HttpError(404, 'Not Found');
      if (!m[2]) return reply(objectEnvelope(e('Node', 'Node with the given id.'), rep.nodeObject(view, node)));
      const children = node.childIds
        .map((id) => library.nodes.get(id)!)
        .filter((n) => rep.nodeVisible(view, n))
        .map((n) => rep.nodeObject(view, n));
      return reply(listEnvelope(e('Node', 'Child nodes of this node', 'ChildNodes'), children, page()));
    }
    if ((m = /^\/api\/v2\/album\/([^/!]+)(!images)?$/.exec(path))) {
      const album = findAlbum(view, m[1]);
      if (!m[2]) return reply(objectEnvelope(e('Album', 'Album by key'), rep.albumObject(view, album)));
      const fileNames = url.searchParams
        .get('FileNames')
        ?.split(',')
        .map((n) => n.trim());
      const images = rep.visibleImagesOf(view, album).filter((i) => !fileNames || fileNames.includes(i.fileName));
      return reply(
        listEnvelope(
          e('AlbumImage', 'Images from album', 'AlbumImages'),
          images.map((i) => rep.albumImageObject(view, album, i)),
          page(),
        ),
      );
    }
    if ((m = /^\/api\/v2\/album\/([^/!]+)\/image\/([^/!]+)$/.exec(path))) {
      const album = findAlbum(view, m[1]);
      const image = findImage(view, m[2]);
      if (!album.placements.some((p) => p.imageKey === image.imageKey)) throw new HttpError(404, 'Not Found');
      return reply(objectEnvelope(e('AlbumImage', 'Image from album'), rep.albumImageObject(view, album, image)));
    }
    if ((m = /^\/api\/v2\/image\/([^/!]+)(!metadata|!largestvideo)?$/.exec(path))) {
      const image = findImage(view, m[1]);
      if (!m[2]) return reply(objectEnvelope(e('Image', 'Image by key'), rep.imageObject(view, image)));
      if (m[2] === '!metadata')
        return reply(objectEnvelope(e('ImageMetadata', 'Metadata for image'), rep.imageMetadataObject(image)));
      const video = image.isVideo ? rep.largestVideoObject(view, image) : undefined;
      if (!video) throw new HttpError(404, 'Not Found');
      return reply(objectEnvelope(e('LargestVideo', 'Largest size available for video'), video));
    }
    throw new HttpError(404, 'Not Found');
  }

  /** Serves an original or transcode with Content-Length, ETag and single Range requests. */
  async function handleMedia(req: IncomingMessage, res: ServerResponse, url: URL, fault: FaultRule | undefined) {
    const m = /^\/photos\/i-([A-Za-z0-9]+)\/(\d+)\/([a-z0-9]+)\/(D|1920)\/[^/]+$/.exec(url.pathname);
    const image = m ? library.images.get(m[1]) : undefined;
    if (!m || !image || image.deleted || image.serial !== Number(m[2]) || image.urlToken !== m[3])
      throw new HttpError(404, 'Not Found');
    const file: MediaFile | undefined =
      m[4] === 'D' ? (image.processing ? undefined : image.original) : image.largestVideo;
    if (!file) throw new HttpError(404, 'Not Found');
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'Method Not Allowed');

    let start = 0;
    let end = file.size - 1;
    let status = 200;
    const headers: Record<string, string> = {
      'Accept-Ranges': 'bytes',
      ETag: `"${file.md5}"`,
      'Last-Modified': new Date(image.lastUpdated).toUTCString(),
    };
    const range = req.headers.range;
    if (range && !range.includes(',')) {
      const r = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      const from = r?.[1] ? Number(r[1]) : undefined;
      const to = r?.[2] ? Number(r[2]) : undefined;
      if (r && from !== undefined) {
        start = from;
        end = to === undefined ? file.size - 1 : Math.min(to, file.size - 1);
      } else if (r && to !== undefined) {
        start = Math.max(0, file.size - to);
      }
      if (!r || (from === undefined && to === undefined) || start > end || start >= file.size) {
        throw new HttpError(416, 'Range Not Satisfiable', { 'Content-Range': `bytes */${file.size}` });
      }
      status = 206;
      headers['Content-Range'] = `bytes ${start}-${end}/${file.size}`;
    }
    count(counters.mediaRequestsByImage, image.imageKey);
    const length = end - start + 1;
    await sendStream(
      res,
      status,
      () => createReadStream(file.path, { start, end }),
      length,
      image.isVideo ? 'video/mp4' : 'image/jpeg',
      fault,
      headers,
      (n) => count(counters.bytesServedByImage, image.imageKey, n),
      throttle,
    );
  }

  /**
   * A plain directory listing of the originals (`/files/<AlbumKey>/<ImageKey>.<ext>`), served only
   * with open media: the way tools without SmugMug support (rclone's http remote, curl) reach the bytes.
   */
  async function handleFileIndex(res: ServerResponse, url: URL) {
    if (options.requireSignedMedia) throw new HttpError(404, 'Not Found: the file index needs --open-media');
    const parts = url.pathname.split('/').filter(Boolean).slice(1);
    const page = (links: string[]) =>
      Buffer.from(
        `<!doctype html><html><body>\n${links.map((l) => `<a href="${l}">${l}</a><br>`).join('\n')}\n</body></html>`,
      );
    if (parts.length === 0) {
      return void sendBuffer(
        res,
        200,
        page([...library.albums.keys()].map((k) => `${k}/`)),
        'text/html; charset=utf-8',
        undefined,
        {},
      );
    }
    const album = library.albums.get(parts[0]);
    if (!album) throw new HttpError(404, 'Not Found');
    const files = album.placements
      .map((p) => library.images.get(p.imageKey)!)
      .filter((i) => !i.deleted && i.original && !i.processing);
    if (parts.length === 1) {
      return void sendBuffer(
        res,
        200,
        page(files.map((i) => `${i.imageKey}.${i.isVideo ? 'mp4' : 'jpg'}`)),
        'text/html; charset=utf-8',
        undefined,
        {},
      );
    }
    const image = files.find((i) => `${i.imageKey}.${i.isVideo ? 'mp4' : 'jpg'}` === parts[1]);
    if (!image || parts.length !== 2) throw new HttpError(404, 'Not Found');
    count(counters.mediaRequestsByImage, image.imageKey);
    const file = image.original!;
    await sendStream(
      res,
      200,
      () => createReadStream(file.path),
      file.size,
      image.isVideo ? 'video/mp4' : 'image/jpeg',
      undefined,
      { ETag: `"${file.md5}"`, 'Last-Modified': new Date(image.lastUpdated).toUTCString() },
      (n) => count(counters.bytesServedByImage, image.imageKey, n),
      throttle,
    );
  }

  async function handleOAuth(req: IncomingMessage, res: ServerResponse, url: URL) {
    counters.requests.oauth += 1;
    const step = url.pathname.replace('/services/oauth/1.0a/', '');
    const form = (status: number, fields: Record<string, string>) => {
      const body = Buffer.from(
        Object.entries(fields)
          .map(([k, v]) => `${oauthEncode(k)}=${oauthEncode(v)}`)
          .join('&'),
      );
      void sendBuffer(res, status, body, 'application/x-www-form-urlencoded', undefined, {});
    };
    try {
      if (step === 'authorize') {
        const access: Access = url.searchParams.get('Access') === 'Full' ? 'Full' : 'Public';
        const perm = url.searchParams.get('Permissions');
        const permissions: Permissions = perm === 'Modify' || perm === 'Add' ? perm : 'Read';
        const token = oauth.authorize(url.searchParams.get('oauth_token') ?? '', access, permissions);
        // Real SmugMug asks the user to sign in first; the sandbox's only user approves at once.
        if (token.callback !== 'oob') {
          // The web flow: back to the app's callback with the token and its verifier, as SmugMug does.
          const back = new URL(token.callback);
          back.searchParams.set('oauth_token', token.token);
          back.searchParams.set('oauth_verifier', token.verifier!);
          res.writeHead(302, { Location: back.toString() });
          return void res.end();
        }
        const page = `<!doctype html><html><head><meta charset="utf-8"><title>Authorize app - SmugMug sandbox</title></head>
<body><h1>SmugMug sandbox</h1><p>${library.nickname} allowed the app access <b>${access}</b> with permissions <b>${permissions}</b>.</p>
<p>Your six-digit code: <b id="verifier">${token.verifier}</b></p></body></html>`;
        return void sendBuffer(res, 200, Buffer.from(page), 'text/html; charset=utf-8', undefined, {});
      }
      const body = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
        ? await readBody(req)
        : undefined;
      if (step === 'getRequestToken') {
        const caller = oauth.verify(req, url, body, 'none');
        const token = oauth.issueRequestToken(caller.oauthParams.oauth_callback);
        return form(200, {
          oauth_token: token.token,
          oauth_token_secret: token.secret,
          oauth_callback_confirmed: 'true',
        });
      }
      if (step === 'getAccessToken') {
        const caller = oauth.verify(req, url, body, 'request');
        const token = oauth.exchange(caller.oauthParams.oauth_token, caller.oauthParams.oauth_verifier);
        return form(200, { oauth_token: token.token, oauth_token_secret: token.secret });
      }
      throw new HttpError(404, 'Not Found');
    } catch (err) {
      if (err instanceof OAuthError)
        return form(401, { oauth_problem: err.problem, oauth_problem_advice: err.message });
      throw err;
    }
  }

  async function handleAdmin(req: IncomingMessage, res: ServerResponse, url: URL) {
    const json = (status: number, body: unknown) =>
      void sendBuffer(res, status, Buffer.from(JSON.stringify(body, null, 2)), 'application/json', undefined, {});
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /__sandbox/info') {
      const images = [...library.images.values()];
      return json(200, {
        url: baseUrl,
        nickname: library.nickname,
        rootNodeId: library.rootNodeId,
        credentials,
        albums: library.albums.size,
        images: images.filter((i) => !i.deleted).length,
        originalBytes: images.reduce((sum, i) => sum + (i.original?.size ?? 0), 0),
        maxPageSize: options.maxPageSize,
        defaultPageSize: options.defaultPageSize,
      });
    }
    if (route === 'GET /__sandbox/counters') return json(200, counters);
    if (route === 'POST /__sandbox/counters/reset') {
      counters = emptyCounters();
      return json(200, counters);
    }
    if (route === 'GET /__sandbox/faults') return json(200, faults.list());
    if (route === 'DELETE /__sandbox/faults') {
      faults.clear();
      return json(200, []);
    }
    if (route === 'POST /__sandbox/faults') {
      let input: unknown;
      try {
        input = JSON.parse(await readBody(req));
      } catch {
        return json(400, { Code: 400, Message: 'Body must be a JSON fault rule or an array of them' });
      }
      const parsed = z.array(FaultRule).safeParse(Array.isArray(input) ? input : [input]);
      if (!parsed.success) return json(400, { Code: 400, Message: z.prettifyError(parsed.error) });
      for (const rule of parsed.data) faults.add(rule);
      return json(200, faults.list());
    }
    const addImage = /^POST \/__sandbox\/albums\/([^/]+)\/images$/.exec(route);
    if (addImage) {
      const album = library.albums.get(addImage[1]);
      if (!album) return json(404, { Code: 404, Message: 'Not Found' });
      const parsed = NewImage.safeParse(JSON.parse((await readBody(req)) || '{}'));
      if (!parsed.success) return json(400, { Code: 400, Message: z.prettifyError(parsed.error) });
      const image = await addPhoto(library, album, parsed.data.fileName, parsed.data.bytes, options.mediaDir);
      return json(200, { imageKey: image.imageKey, size: image.original!.size, md5: image.original!.md5 });
    }
    const editImage = /^PATCH \/__sandbox\/images\/([^/]+)$/.exec(route);
    if (editImage) {
      const image = library.images.get(editImage[1]);
      if (!image) return json(404, { Code: 404, Message: 'Not Found' });
      const parsed = ImageEdit.safeParse(JSON.parse((await readBody(req)) || '{}'));
      if (!parsed.success) return json(400, { Code: 400, Message: z.prettifyError(parsed.error) });
      Object.assign(image, parsed.data, { lastUpdated: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00') });
      return json(200, {
        imageKey: image.imageKey,
        title: image.title,
        caption: image.caption,
        keywords: image.keywords,
      });
    }
    if (route === 'POST /__sandbox/revoke') {
      const token = url.searchParams.get('token') ?? '';
      return json(oauth.revokeAccessToken(token) ? 200 : 404, { revoked: token });
    }
    return json(404, { Code: 404, Message: 'Not Found' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    counters.requests.total += 1;
    const url = new URL(req.url ?? '/', baseUrl);
    const target = url.pathname.startsWith('/photos/') ? 'media' : 'api';
    try {
      if (url.pathname.startsWith('/__sandbox/')) return await handleAdmin(req, res, url);
      const isMedia = target === 'media' || url.pathname === '/files' || url.pathname.startsWith('/files/');
      const latencyMs = isMedia ? options.mediaFirstByteMs : options.apiLatencyMs;
      if (latencyMs > 0) await delay(latencyMs);
      if (url.pathname.startsWith('/services/oauth/1.0a/')) return await handleOAuth(req, res, url);
      if (url.pathname === '/files' || url.pathname.startsWith('/files/')) return await handleFileIndex(res, url);
      counters.requests[target] += 1;
      const fault = takeFault(res, target, url.pathname);
      if (target === 'media') {
        if (options.requireSignedMedia) authenticate(req, url);
        return await handleMedia(req, res, url, fault);
      }
      if (!url.pathname.startsWith('/api/v2')) throw new HttpError(404, 'Not Found');
      const caller = authenticate(req, url);
      checkRateLimit(res, caller);
      handleApi(req, res, url, caller, fault);
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      const headers = err instanceof HttpError ? err.headers : {};
      if ((err as { html?: boolean }).html) {
        return void sendBuffer(
          res,
          status,
          Buffer.from(`<html><body><h1>${status} ${message}</h1></body></html>`),
          'text/html',
          undefined,
          headers,
        );
      }
      sendJson(res, status, errorEnvelope(status, message, req.method ?? 'GET', url.pathname), url, undefined, headers);
    }
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${options.host}:${port}`;

  return {
    url: baseUrl,
    credentials,
    library,
    faults,
    counters: () => counters,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
