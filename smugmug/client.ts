import { ApplicationFailure } from '@temporalio/common';
import { errorType } from '../common/error-types';
import { createHmac } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import OAuth from 'oauth-1.0a';
import { Agent, type Dispatcher, interceptors, request } from 'undici';
import type { z } from 'zod';
import type { AlbumRef } from '../common/records';
import type { SmugMugSettings } from './credentials';
import {
  AlbumImage,
  AssetComponent,
  Envelope,
  ImageMetadata,
  ImageSizeDetails,
  LargestVideo,
  Node,
  type NodePrivacy,
  UploaderReply,
  User,
} from './schemas';

const PAGE_SIZE = 100;
const MAX_ATTEMPTS = 5;
/** Longer Retry-After waits go back to Temporal as the activity's next retry delay instead. */
const MAX_INLINE_WAIT_MS = 60_000;
/** How long a write (an upload of up to 3 GB included) may take to be answered once sent: SmugMug processes before it answers. */
const WRITE_ANSWER_TIMEOUT_MS = 10 * 60_000;

/**
 * A write whose answer never came or was a 5xx: it may have been applied (SmugMug was seen to apply
 * writes it answered 504). The caller looks before writing again.
 */
export class UnconfirmedWrite extends Error {
  constructor(what: string) {
    super(`SmugMug did not confirm ${what}: it may have been applied`);
  }
}

/** SmugMug's Uploader: a service of its own beside the API (the sandbox serves it at `<base>/upload/`). */
export function uploaderUrlOf(apiBase: string): string {
  return new URL(apiBase).hostname === 'api.smugmug.com'
    ? 'https://upload.smugmug.com/'
    : `${apiBase.replace(/\/+$/, '')}/upload/`;
}

/** A SmugMug answer: status, headers and a Node stream of the body (`.text()`, `.dump()`, async iteration). */
export type SmugMugResponse = Dispatcher.ResponseData;

/**
 * Requests go through undici's own client rather than `fetch`: its bodies are Node streams of
 * Buffers, without the web-stream layer `fetch` adds to every chunk (measured: a tenth of the
 * worker's CPU when copying). Connections are kept alive between requests to the same host.
 * Redirects are followed as `fetch` follows them (the signature is not sent to another origin).
 */
const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 64 }).compose(
  interceptors.redirect({ maxRedirections: 5 }),
);

/** A SmugMug API v2 client: OAuth 1.0a signed, paged, schema-checked, retrying 429/5xx politely. */
export class SmugMugClient {
  private readonly oauth: OAuth;
  private readonly token: OAuth.Token;
  private readonly base: string;
  private readonly uploader: string;

  constructor(
    config: SmugMugSettings,
    /** Told of each 429, as it is waited out. */
    private readonly onRateLimited?: () => void,
  ) {
    this.base = config.SMUGMUG_API_BASE_URL.replace(/\/+$/, '');
    this.uploader = config.SMUGMUG_UPLOAD_URL ?? uploaderUrlOf(this.base);
    this.oauth = new OAuth({
      consumer: { key: config.SMUGMUG_API_KEY, secret: config.SMUGMUG_API_SECRET },
      signature_method: 'HMAC-SHA1',
      hash_function: (base, key) => createHmac('sha1', key).update(base).digest('base64'),
    });
    this.token = { key: config.SMUGMUG_ACCESS_TOKEN, secret: config.SMUGMUG_ACCESS_TOKEN_SECRET };
  }

  private url(pathOrUrl: string): string {
    return /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${this.base}${pathOrUrl}`;
  }

  /**
   * A signed request, retried on 429 (after Retry-After), 5xx and network errors. 401 is final: the
   * token is wrong or was revoked. Other statuses go back to the caller.
   */
  async request(
    pathOrUrl: string,
    init: {
      method?: Dispatcher.HttpMethod;
      headers?: Record<string, string>;
      body?: string | Readable;
      signal?: AbortSignal;
      /**
       * A write that may not be repeated blindly (an upload, a new album): one attempt, whatever
       * its answer; a network error is an UnconfirmedWrite, as it may have landed.
       */
      once?: boolean;
    } = {},
  ): Promise<SmugMugResponse> {
    const url = this.url(pathOrUrl);
    const method = init.method ?? 'GET';
    const shown = new URL(url).pathname;
    let lastProblem = '';
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // The library only puts oauth_* values in the header; query parameters are signed from the URL.
      const auth = this.oauth.toHeader(this.oauth.authorize({ url, method }, this.token));
      let res: SmugMugResponse;
      try {
        res = await request(url, {
          method,
          dispatcher,
          signal: init.signal,
          headers: { Accept: 'application/json', ...init.headers, Authorization: auth.Authorization },
          body: init.body,
          headersTimeout: init.once ? WRITE_ANSWER_TIMEOUT_MS : undefined,
        });
      } catch (err) {
        if (init.signal?.aborted) throw err;
        if (init.once) throw new UnconfirmedWrite(`${method} ${shown}: ${(err as Error).message}`);
        lastProblem = `network error (${(err as Error).message})`;
        await delay(backoffMs(attempt), undefined, { signal: init.signal });
        continue;
      }
      if (res.statusCode === 401) {
        const body = await res.body.text();
        throw ApplicationFailure.nonRetryable(
          `SmugMug refused the credentials for ${method} ${shown} (401: ${messageOf(body)}). Check SMUGMUG_API_KEY/SECRET and ` +
            "SMUGMUG_ACCESS_TOKEN/SECRET in the worker's environment; a revoked token needs a new OAuth authorization " +
            '(Access=Full, Permissions=Modify when deleting).',
          errorType('SmugMugAuthError'),
        );
      }
      if (init.once) return res;
      if (res.statusCode === 429 || res.statusCode >= 500) {
        await res.body.dump().catch(() => undefined);
        const retryAfterMs = Number(res.headers['retry-after'] ?? NaN) * 1000;
        lastProblem = `HTTP ${res.statusCode}`;
        if (res.statusCode === 429) this.onRateLimited?.();
        if (res.statusCode === 429 && retryAfterMs > MAX_INLINE_WAIT_MS) {
          throw ApplicationFailure.create({
            message: `SmugMug rate limit on ${shown}: retry after ${retryAfterMs / 1000} s`,
            type: errorType('SmugMugRateLimited'),
            nextRetryDelay: retryAfterMs,
          });
        }
        await delay(Number.isFinite(retryAfterMs) ? retryAfterMs : backoffMs(attempt), undefined, {
          signal: init.signal,
        });
        continue;
      }
      return res;
    }
    throw ApplicationFailure.retryable(
      `SmugMug ${method} ${shown} failed ${MAX_ATTEMPTS} times; last: ${lastProblem}`,
      errorType('SmugMugUnavailable'),
    );
  }

  /** GETs an API path and checks the envelope; 404 gives undefined. */
  async getEnvelope(path: string, signal?: AbortSignal): Promise<Envelope | undefined> {
    for (let attempt = 1; ; attempt++) {
      const res = await this.request(path, { signal });
      const text = await res.body.text();
      if (res.statusCode === 404) return undefined;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        // SmugMug's front end sometimes answers with an HTML page; that is an outage, not data.
        if (attempt >= MAX_ATTEMPTS)
          throw ApplicationFailure.retryable(
            `SmugMug answered ${new URL(this.url(path)).pathname} with a non-JSON body (HTTP ${res.statusCode})`,
            errorType('SmugMugUnavailable'),
          );
        await delay(backoffMs(attempt), undefined, { signal });
        continue;
      }
      if (res.statusCode >= 400)
        throw ApplicationFailure.retryable(
          `SmugMug ${new URL(this.url(path)).pathname}: HTTP ${res.statusCode} ${messageOf(text)}`,
          errorType('SmugMugError'),
        );
      return Envelope.parse(json);
    }
  }

  async getObject<S extends z.ZodType>(path: string, schema: S, signal?: AbortSignal): Promise<z.infer<S> | undefined> {
    const envelope = await this.getEnvelope(path, signal);
    if (!envelope) return undefined;
    return schema.parse(envelope.Response[envelope.Response.Locator]);
  }

  /**
   * Every page of a list: follows NextPage until it is absent, never assuming the asked count was
   * honoured. `options` (`_expand`…) go on every page, as NextPage may drop them. A spurious 404 on
   * a later page is retried, as SmugMug is known to give them.
   */
  async *pageEnvelopes(path: string, options: Record<string, string>, signal?: AbortSignal): AsyncGenerator<Envelope> {
    const withOptions = (uri: string) => {
      const url = new URL(uri, this.base);
      for (const [name, value] of Object.entries({ count: String(PAGE_SIZE), ...options }))
        if (!url.searchParams.has(name)) url.searchParams.set(name, value);
      return `${url.pathname}${url.search}`;
    };
    let next: string | undefined = withOptions(path);
    let first = true;
    while (next) {
      let envelope: Envelope | undefined;
      for (let attempt = 1; attempt <= 3 && !envelope; attempt++) {
        envelope = await this.getEnvelope(next, signal);
        if (!envelope && (first || attempt === 3))
          throw ApplicationFailure.retryable(
            `SmugMug has no ${new URL(this.url(next)).pathname} (404)`,
            errorType('SmugMugNotFound'),
          );
        if (!envelope) await delay(backoffMs(attempt), undefined, { signal });
      }
      yield envelope!;
      const nextPage = envelope!.Response.Pages?.NextPage;
      next = nextPage ? withOptions(nextPage) : undefined;
      first = false;
    }
  }

  /** Every item of a paged list, page by page; an empty list (no locator key) yields nothing. */
  async *pages<S extends z.ZodType>(path: string, schema: S, signal?: AbortSignal): AsyncGenerator<z.infer<S>[]> {
    for await (const envelope of this.pageEnvelopes(path, {}, signal))
      yield itemsOf(envelope).map((i) => schema.parse(i));
  }

  authUser(signal?: AbortSignal) {
    return this.getObject('/api/v2!authuser', User, signal).then((u) => {
      if (!u)
        throw ApplicationFailure.nonRetryable(
          'SmugMug has no authenticated user for this token',
          errorType('SmugMugAuthError'),
        );
      return u;
    });
  }

  /**
   * The authenticated user, who must be `account`: a token of another account is refused at once
   * (WrongAccount), as migrating it would copy someone else's library under this account's name.
   */
  async accountUser(account: string, signal?: AbortSignal) {
    const user = await this.authUser(signal);
    if (user.NickName.toLowerCase() !== account.toLowerCase())
      throw ApplicationFailure.nonRetryable(
        `The worker's SmugMug token belongs to "${user.NickName}", not "${account}": migrate "${user.NickName}", or log the worker in as "${account}"`,
        errorType('WrongAccount'),
      );
    return user;
  }

  nodeChildren(nodeUri: string, signal?: AbortSignal) {
    return this.pages(`${nodeUri}!children`, Node, signal);
  }

  /** Every album of the user's folder tree, folder by folder (paged), with its path of folder names. */
  async *albums(user: z.infer<typeof User>, signal?: AbortSignal): AsyncGenerator<AlbumRef> {
    const folders: Array<{ uri: string; path: string[] }> = [{ uri: user.Uris.Node.Uri, path: [] }];
    while (folders.length > 0) {
      const folder = folders.shift()!;
      for await (const page of this.nodeChildren(folder.uri, signal)) {
        for (const node of page) {
          if (node.Type === 'Folder') folders.push({ uri: node.Uri, path: [...folder.path, node.Name] });
          else if (node.Type === 'Album' && node.Uris.Album)
            yield {
              albumKey: node.Uris.Album.Uri.split('/').pop()!,
              nodeId: node.NodeID,
              name: node.Name,
              path: [...folder.path, node.Name],
            };
        }
      }
    }
  }

  /**
   * An album's images, page by page, each with its raw EXIF values (`!metadata`) inlined by
   * `_expand`: one request per page instead of one more per image.
   */
  async *albumImages(albumKey: string, signal?: AbortSignal): AsyncGenerator<AlbumImageWithExif[]> {
    const path = `/api/v2/album/${albumKey}!images`;
    for await (const envelope of this.pageEnvelopes(path, { _expand: 'ImageMetadata,ImageSizeDetails' }, signal)) {
      yield itemsOf(envelope).map((item) => {
        const image = AlbumImage.parse(item);
        const expanded = (uri?: string) => (uri ? envelope.Expansions?.[uri] : undefined);
        const metadata = expanded(image.Uris.ImageMetadata?.Uri);
        const sizes = expanded(image.Uris.ImageSizeDetails?.Uri);
        const medium = sizes ? ImageSizeDetails.parse(sizes[sizes.Locator]).ImageSizeMedium : undefined;
        return {
          ...image,
          exif: metadata ? ImageMetadata.parse(metadata[metadata.Locator]) : undefined,
          medium: medium && { url: medium.Url, size: medium.Size },
        };
      });
    }
  }

  /**
   * A folder or album made under a folder (`POST <node>!children`), once: `taken` when a sibling
   * holds the UrlName (409); an UnconfirmedWrite when SmugMug did not answer or answered 5xx.
   */
  async createChildNode(
    parentNodeUri: string,
    child: { Type: 'Folder' | 'Album'; Name: string; UrlName: string; Privacy: NodePrivacy; Description?: string },
  ): Promise<{ node: Node } | 'taken'> {
    const path = `${parentNodeUri}!children`;
    const res = await this.request(path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(child),
      once: true,
    });
    const text = await res.body.text();
    if (res.statusCode === 409) return 'taken';
    if (res.statusCode === 429 || res.statusCode >= 500)
      throw new UnconfirmedWrite(`POST ${path} (HTTP ${res.statusCode})`);
    if (res.statusCode >= 400)
      throw ApplicationFailure.nonRetryable(
        `SmugMug refused ${child.Type.toLowerCase()} "${child.Name}" (UrlName ${child.UrlName}): HTTP ${res.statusCode} ${messageOf(text)}`,
        errorType('SmugMugRefusedWrite'),
      );
    const envelope = Envelope.parse(JSON.parse(text));
    return { node: Node.parse(envelope.Response[envelope.Response.Locator]) };
  }

  /** An image's metadata set (`PATCH <ImageUri>`): the same PATCH twice sets the same, so it is retried as reads are. */
  async patchImage(imageUri: string, fields: ImagePatch, signal?: AbortSignal): Promise<void> {
    const res = await this.request(imageUri, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(fields),
      signal,
    });
    const text = await res.body.text();
    if (res.statusCode >= 400)
      throw ApplicationFailure.retryable(
        `SmugMug refused the metadata of ${imageUri}: HTTP ${res.statusCode} ${messageOf(text)}`,
        errorType('SmugMugError'),
      );
  }

  /**
   * One file to an album through the Uploader, once: the raw bytes, OAuth in the header only,
   * Content-MD5 (base64), the file name as UTF-8 bytes. Its answer is SmugMug's v1 shape, a refusal
   * too (HTTP 200 and `stat: "fail"`). No answer or a 5xx is an UnconfirmedWrite: it may have landed.
   */
  async upload(file: {
    albumUri: string;
    fileName: string;
    md5: string;
    size: number;
    contentType: string;
    body: Readable;
    signal?: AbortSignal;
  }): Promise<UploadAnswer> {
    const res = await this.request(this.uploader, {
      method: 'POST',
      headers: {
        'Content-Type': file.contentType,
        'Content-Length': String(file.size),
        'Content-MD5': Buffer.from(file.md5, 'hex').toString('base64'),
        'X-Smug-AlbumUri': file.albumUri,
        'X-Smug-Version': 'v2',
        'X-Smug-ResponseType': 'JSON',
        // Node sends a header's characters as single bytes: the name's UTF-8 bytes go as they are.
        'X-Smug-FileName': Buffer.from(file.fileName, 'utf8').toString('latin1'),
      },
      body: file.body,
      signal: file.signal,
      once: true,
    });
    const text = await res.body.text();
    if (res.statusCode === 429)
      return { stat: 'fail', code: 429, message: 'rate limited (nothing uploaded)', retryable: true };
    if (res.statusCode >= 500) throw new UnconfirmedWrite(`the upload of ${file.fileName} (HTTP ${res.statusCode})`);
    if (res.statusCode === 401)
      throw ApplicationFailure.nonRetryable(
        `SmugMug's Uploader refused the credentials (401: ${messageOf(text)}); the token needs Access=Full, Permissions=Modify`,
        errorType('SmugMugAuthError'),
      );
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch {
      throw new UnconfirmedWrite(`the upload of ${file.fileName} (HTTP ${res.statusCode}, not JSON)`);
    }
    const parsed = UploaderReply.safeParse(answer);
    if (!parsed.success)
      throw new UnconfirmedWrite(
        `the upload of ${file.fileName} (HTTP ${res.statusCode}, an answer of no known shape)`,
      );
    const reply = parsed.data;
    if (reply.stat === 'ok') return { stat: 'ok', imageUri: reply.Image.ImageUri };
    // 5 is SmugMug's "system error": nothing was applied, another try may take it.
    return { stat: 'fail', code: reply.code, message: reply.message, retryable: reply.code === 5 };
  }

  largestVideo(uri: string, signal?: AbortSignal) {
    return this.getObject(uri, LargestVideo, signal);
  }

  /** The components of an image's library asset (SmugMug Source's RAW files), every page. */
  async assetComponents(imageKey: string, signal?: AbortSignal): Promise<AssetComponent[]> {
    const components: AssetComponent[] = [];
    for await (const page of this.pages(`/api/v2/library/asset/${imageKey}!components`, AssetComponent, signal))
      components.push(...page);
    return components;
  }

  /** A media file's size, from a one-byte range (`Content-Range: bytes 0-0/<size>`), for a file SmugMug lists without one. */
  async sizeOf(url: string, signal?: AbortSignal): Promise<number | undefined> {
    const res = await this.download(url, { from: 0, to: 0, signal });
    await res.body.dump().catch(() => undefined);
    // A server without ranges answers 200 with the whole file: its length is the size.
    const size = Number(
      res.statusCode === 206
        ? /\/(\d+)$/.exec(String(res.headers['content-range'] ?? ''))?.[1]
        : res.headers['content-length'],
    );
    return Number.isSafeInteger(size) ? size : undefined;
  }

  /**
   * A signed GET of media bytes (ArchivedUri or a video URL): the whole file, or the bytes from
   * `from` to `to` (inclusive, as HTTP ranges count), each range on a connection of its own.
   */
  async download(
    url: string,
    opts: { from?: number; to?: number; signal?: AbortSignal } = {},
  ): Promise<SmugMugResponse> {
    const headers: Record<string, string> = { Accept: '*/*' };
    const ranged = Boolean(opts.from) || opts.to !== undefined;
    if (ranged) headers.Range = `bytes=${opts.from ?? 0}-${opts.to ?? ''}`;
    const res = await this.request(url, { headers, signal: opts.signal });
    const expected = ranged ? 206 : 200;
    // A server without ranges answers a range from the start with the whole file: the caller cuts it.
    const whole = ranged && !opts.from && res.statusCode === 200;
    if (res.statusCode === 404 || res.statusCode === 410) {
      await res.body.dump().catch(() => undefined);
      // The original is gone or its URL is stale: retrying the same URL cannot help; planning the album again can.
      throw ApplicationFailure.nonRetryable(
        `The original at ${new URL(url).pathname} is gone (HTTP ${res.statusCode}); retry the album to plan it again`,
        errorType('OriginalNotFound'),
      );
    }
    if (res.statusCode !== expected && !whole) {
      await res.body.dump().catch(() => undefined);
      throw ApplicationFailure.retryable(
        `Download of ${new URL(url).pathname} answered HTTP ${res.statusCode} (expected ${expected})`,
        errorType('SmugMugDownloadFailed'),
      );
    }
    return res;
  }
}

/** The metadata PATCH of an image sets: text as UTF-8 JSON, never in headers. */
export interface ImagePatch {
  Title?: string;
  Caption?: string;
  KeywordArray?: string[];
  Latitude?: number;
  Longitude?: number;
  Altitude?: number;
  Hidden?: boolean;
}

/** What the Uploader said: the new image, or a refusal with its code (`retryable` when nothing was applied and another try may take it). */
export type UploadAnswer =
  { stat: 'ok'; imageUri: string } | { stat: 'fail'; code: number; message: string; retryable: boolean };

/** An album's image with what its page's expansions said: its EXIF, and its Medium rendition (the preview). */
export type AlbumImageWithExif = AlbumImage & { exif?: ImageMetadata; medium?: { url: string; size?: number } };

function itemsOf(envelope: Envelope): unknown[] {
  return (envelope.Response[envelope.Response.Locator] as unknown[] | undefined) ?? [];
}

function backoffMs(attempt: number): number {
  return Math.min(8_000, 250 * 2 ** (attempt - 1)) * (0.75 + Math.random() * 0.5);
}

function messageOf(body: string): string {
  try {
    return String((JSON.parse(body) as { Message?: string }).Message ?? '').slice(0, 200);
  } catch {
    return body
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 200);
  }
}
