import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Callers } from './callers';
import { countIn, HttpError, type SandboxContext } from './context';
import type { SandboxImage } from './library';
import { type MediaFile, writeJpeg, writeMp4 } from './media-files';
import type { Responses } from './responses';

/** The Uploader's path on the sandbox (SmugMug's is the root of upload.smugmug.com). */
export const UPLOAD_PATH = '/upload/';

/** About the size of the Medium rendition SmugMug makes of an upload. */
const MEDIUM_BYTES = 6_000;
/** What an album holds at most (SmugMug's limit); one more is refused with the legacy code 63 "album full". */
export const ALBUM_MAX_IMAGES = 5_000;
/** Videos smaller than this are "too small" (code 72); up to VIDEO_UNKNOWN_BELOW, an "unknown file type" (64). */
const VIDEO_TOO_SMALL_BELOW = 10_000;
const VIDEO_UNKNOWN_BELOW = 40_000;

const STORED_AS_IS = ['jpg', 'jpeg', 'png', 'gif'];
const CONVERTED_TO_JPEG = ['heic', 'heif'];
const VIDEOS = ['mp4', 'mov', 'm4v'];
const RAW_OR_BITMAP = ['bmp', 'rw2', 'cr2', 'cr3', 'nef', 'arw', 'dng', 'orf', 'raf'];

/** A refusal as the Uploader gives one: HTTP 200, `stat: "fail"`, a code and a message. */
class UploadFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * SmugMug's Uploader (`POST https://upload.smugmug.com/`), as its reference and its users describe
 * it: the raw file as the body; OAuth 1.0a in the `Authorization` header only (the body adds no
 * parameter; OAuth in the query is refused); `X-Smug-AlbumUri`, `X-Smug-Version: v2`,
 * `X-Smug-ResponseType: JSON`; `Content-MD5` in base64 or hex, a wrong one refused; the answer in
 * the old v1 shape, and failures as HTTP 200 with `stat: "fail"` and a code (5 system error, 6 wrong
 * format, 9 invalid album, 63 album full at ALBUM_MAX_IMAGES, 64 unknown file type, 72 video too small).
 * X-Smug-FileName may carry UTF-8 bytes. HEIC is converted to JPEG
 * (`NAME.JPG`, another MD5), videos are re-encoded (another MD5), photos kept byte for byte; without
 * `X-Smug-Keywords` the file name's words become keywords.
 */
export class UploadRoutes {
  constructor(
    private readonly sandbox: SandboxContext,
    private readonly callers: Callers,
    private readonly send: Responses,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'POST') throw new HttpError(405, 'Method Not Allowed');
    if ([...url.searchParams.keys()].some((k) => k.startsWith('oauth_')))
      throw new HttpError(401, 'Unauthorized: the Uploader takes OAuth in the Authorization header only');
    const caller = this.callers.authenticate(req, url);
    this.callers.requireModify(caller);
    const fault = this.sandbox.faults.take('upload', url.pathname + (fileNameOf(req) ?? ''));
    if (fault) countIn(this.sandbox.counters.faultsFired, fault.kind);
    if (fault?.kind === 'server-error' || fault?.kind === 'rate-limit') {
      req.resume();
      throw new HttpError(fault.kind === 'rate-limit' ? 429 : fault.status, 'Service Unavailable');
    }
    if (fault?.kind === 'reset') return resetMidBody(req, fault.afterBytes);
    const received = await this.receive(req);
    try {
      const image = await this.apply(req, received, fault?.kind === 'upload-system-error');
      if (fault?.kind === 'applied-then-504') throw new HttpError(504, 'Gateway Timeout');
      const albumKey = /\/album\/([^/]+)$/.exec(header(req, 'x-smug-albumuri')!)![1];
      this.reply(res, {
        stat: 'ok',
        method: 'smugmug.images.upload',
        Image: {
          ImageUri: `/api/v2/image/${image.imageKey}-${image.serial}`,
          AlbumImageUri: `/api/v2/album/${albumKey}/image/${image.imageKey}-${image.serial}`,
          StatusImageReplaceUri: '',
          URL: `${this.sandbox.baseUrl}/i-${image.imageKey}`,
        },
        Asset: { AssetUri: `/api/v2/library/asset/${image.imageKey}` },
      });
    } catch (err) {
      if (!(err instanceof UploadFailure)) throw err;
      this.sandbox.counters.uploads.push({
        fileName: fileNameOf(req) ?? '',
        albumKey: header(req, 'x-smug-albumuri') ?? '',
        md5: received.md5,
        code: err.code,
      });
      this.reply(res, { stat: 'fail', method: 'smugmug.images.upload', code: err.code, message: err.message });
    } finally {
      await rm(received.path, { force: true });
    }
  }

  /** The body, to a file of its own, hashed on the way: an upload cut short applies nothing. */
  private async receive(req: IncomingMessage): Promise<MediaFile> {
    const dir = join(this.sandbox.options.mediaDir, 'uploads');
    await mkdir(dir, { recursive: true });
    const path = join(dir, randomUUID());
    const md5 = createHash('md5');
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      md5.update(chunk);
      size += chunk.length;
    });
    try {
      await pipeline(req, createWriteStream(path));
    } catch (err) {
      await rm(path, { force: true });
      throw err;
    }
    const length = Number(req.headers['content-length']);
    if (Number.isFinite(length) && length !== size) {
      await rm(path, { force: true });
      throw new HttpError(400, 'The body is shorter than its Content-Length');
    }
    return { path, size, md5: md5.digest('hex') };
  }

  /** The upload checked and made an image of its album, as SmugMug stores it (converted or not). */
  private async apply(req: IncomingMessage, body: MediaFile, systemError: boolean): Promise<SandboxImage> {
    if (header(req, 'x-smug-version') !== 'v2') throw new UploadFailure(5, 'system error (X-Smug-Version must be v2)');
    if (header(req, 'x-smug-responsetype')?.toUpperCase() !== 'JSON')
      throw new HttpError(400, 'X-Smug-ResponseType is required (JSON)');
    const albumKey = /^\/api\/v2\/album\/([^/!]+)$/.exec(header(req, 'x-smug-albumuri') ?? '')?.[1];
    const album = albumKey ? this.sandbox.library.albums.get(albumKey) : undefined;
    if (!album) throw new UploadFailure(9, 'invalid album');
    const given = header(req, 'content-md5');
    if (given !== undefined && md5Hex(given) !== body.md5)
      throw new UploadFailure(5, 'system error (Content-MD5 does not match the body)');
    if (systemError) throw new UploadFailure(5, 'system error');
    if (album.placements.length >= ALBUM_MAX_IMAGES) throw new UploadFailure(63, 'album full');

    const fileName = fileNameOf(req) ?? `upload-${body.md5.slice(0, 8)}.jpg`;
    const extension = /\.([^.]+)$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
    const imageKey = this.newImageKey();
    const dir = join(this.sandbox.options.mediaDir, 'uploaded');
    await mkdir(dir, { recursive: true });
    let stored: MediaFile;
    let storedName = fileName;
    let isVideo = false;
    if (STORED_AS_IS.includes(extension)) {
      stored = { ...body, path: join(dir, `${imageKey}-D.${extension}`) };
      await rename(body.path, stored.path);
    } else if (CONVERTED_TO_JPEG.includes(extension)) {
      storedName = fileName.replace(/\.[^.]+$/, '.JPG');
      stored = await writeJpeg(join(dir, `${imageKey}-D.jpg`), `${body.md5}/converted`, body.size);
    } else if (VIDEOS.includes(extension)) {
      if (body.size < VIDEO_TOO_SMALL_BELOW) throw new UploadFailure(72, 'video too small');
      if (body.size < VIDEO_UNKNOWN_BELOW) throw new UploadFailure(64, 'unknown file type');
      isVideo = true;
      stored = await writeMp4(join(dir, `${imageKey}-D.mp4`), `${body.md5}/re-encoded`, Math.floor(body.size * 0.9));
    } else if (RAW_OR_BITMAP.includes(extension)) {
      throw new UploadFailure(6, 'wrong format (RAW uploads require the Source add-on)');
    } else {
      throw new UploadFailure(64, 'unknown file type');
    }

    const now = new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
    const keywords = header(req, 'x-smug-keywords');
    const image: SandboxImage = {
      imageKey,
      serial: 0,
      fileName: storedName,
      title: header(req, 'x-smug-title') ?? '',
      caption: header(req, 'x-smug-caption') ?? '',
      keywords: keywords !== undefined ? splitKeywords(keywords) : keywordsOfFileName(fileName),
      format: isVideo ? 'MP4' : 'JPG',
      isVideo,
      hidden: header(req, 'x-smug-hidden') === 'true',
      processing: false,
      status: 'Open',
      subStatus: 'NFS',
      width: isVideo ? 1920 : 96,
      height: isVideo ? 1080 : 64,
      uploaded: now,
      lastUpdated: now,
      latitude: Number(header(req, 'x-smug-latitude') ?? 0),
      longitude: Number(header(req, 'x-smug-longitude') ?? 0),
      altitude: Number(header(req, 'x-smug-altitude') ?? 0),
      urlToken: randomUUID().slice(0, 8),
      deleted: false,
      original: stored,
      medium: await writeJpeg(join(dir, `${imageKey}-M.jpg`), `${imageKey}/medium`, MEDIUM_BYTES),
    };
    this.sandbox.library.images.set(imageKey, image);
    album.placements.push({ imageKey, origin: 'Album' });
    this.sandbox.counters.uploads.push({ fileName, albumKey: album.albumKey, imageKey, md5: body.md5 });
    return image;
  }

  private newImageKey(): string {
    for (;;) {
      const key = randomUUID().replace(/-/g, '').slice(0, 7);
      if (!this.sandbox.library.images.has(key)) return key;
    }
  }

  private reply(res: ServerResponse, body: Record<string, unknown>): void {
    void this.send.buffer(res, 200, Buffer.from(JSON.stringify(body)), 'application/json', undefined, {});
  }
}

/** A header's value as sent (the first one). */
function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * X-Smug-FileName as clients send a name beyond Latin-1: its UTF-8 bytes as they are (Node reads
 * header bytes one per character, so they are put back together here).
 */
function fileNameOf(req: IncomingMessage): string | undefined {
  const raw = header(req, 'x-smug-filename');
  return raw === undefined ? undefined : Buffer.from(raw, 'latin1').toString('utf8');
}

/** The `reset` fault: part of the body read (half of it by default), then the connection cut; nothing applied. */
function resetMidBody(req: IncomingMessage, afterBytes: number | undefined): Promise<void> {
  const cutAt = afterBytes ?? Math.floor(Number(req.headers['content-length'] ?? 0) / 2);
  let read = 0;
  return new Promise((resolve) => {
    req.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read >= cutAt) req.socket.destroy();
    });
    req.on('close', () => resolve());
    req.on('error', () => resolve());
  });
}

/** Content-MD5 as clients send it, base64 (as the reference asks) or hex (as many send): the hex digest. */
function md5Hex(given: string): string {
  if (/^[0-9a-fA-F]{32}$/.test(given)) return given.toLowerCase();
  return Buffer.from(given, 'base64').toString('hex');
}

/** Keywords as SmugMug writes them in one field: `"; "`-separated (commas too). */
function splitKeywords(text: string): string[] {
  return text
    .split(/[;,]/)
    .map((k) => k.trim())
    .filter(Boolean);
}

/** The words of a file name SmugMug turns into keywords when an upload names none. */
function keywordsOfFileName(fileName: string): string[] {
  return [
    ...new Set(
      fileName
        .replace(/\.[^.]+$/, '')
        .split(/[^\p{L}\p{N}]+/u)
        .filter((w) => w.length >= 3)
        .map((w) => w.toLowerCase()),
    ),
  ];
}
