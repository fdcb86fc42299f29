import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Transform } from 'node:stream';
import { countIn, HttpError, type SandboxContext } from './context';
import type { FaultRule } from './faults';
import type { Callers } from './callers';
import type { SandboxImage } from './library';
import type { MediaFile } from './media-files';
import { type Responses, throttled } from './responses';

/**
 * The bytes: originals at their ArchivedUri and SmugMug's video transcodes (`/photos/…`), with
 * Content-Length, ETag and single Range requests, paced like a distant link when asked; and, with
 * open media only, a plain file index (`/files/…`) for tools that do not speak SmugMug's API.
 */
export class MediaRoutes {
  private readonly pace: (() => Transform) | undefined;

  constructor(
    private readonly sandbox: SandboxContext,
    private readonly send: Responses,
    private readonly callers: Callers,
  ) {
    const { mediaBytesPerSecond } = sandbox.options;
    this.pace = mediaBytesPerSecond ? () => throttled(mediaBytesPerSecond) : undefined;
  }

  /** Serves an original, a transcode or a RAW component (`R`) with Content-Length, ETag and single Range requests. */
  async media(req: IncomingMessage, res: ServerResponse, url: URL, fault: FaultRule | undefined): Promise<void> {
    const m = /^\/photos\/i-([A-Za-z0-9]+)\/(\d+)\/([a-z0-9]+)\/(D|1920|R)\/[^/]+$/.exec(url.pathname);
    const image = m ? this.sandbox.library.images.get(m[1]) : undefined;
    if (!m || !image || image.deleted || image.serial !== Number(m[2]) || image.urlToken !== m[3])
      throw new HttpError(404, 'Not Found');
    const file: MediaFile | undefined =
      m[4] === 'D' ? (image.processing ? undefined : image.original) : m[4] === 'R' ? image.raw : image.largestVideo;
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
    // How many media downloads are open at once, at most: what a client's concurrency was.
    const counters = this.sandbox.counters;
    counters.mediaInFlight += 1;
    counters.mediaInFlightPeak = Math.max(counters.mediaInFlightPeak, counters.mediaInFlight);
    res.once('close', () => (counters.mediaInFlight -= 1));
    await this.sendFile(res, image, file, { status, start, end, fault, headers });
  }

  /**
   * A plain directory listing of the originals (`/files/<AlbumKey>/<ImageKey>.<ext>`), served only
   * with open media: the way tools without SmugMug support (rclone's http remote, curl) reach the bytes.
   */
  async fileIndex(res: ServerResponse, url: URL): Promise<void> {
    const { library, options } = this.sandbox;
    if (options.requireSignedMedia) throw new HttpError(404, 'Not Found: the file index needs --open-media');
    const parts = url.pathname.split('/').filter(Boolean).slice(1);
    const listing = (links: string[]) =>
      this.send.buffer(
        res,
        200,
        Buffer.from(
          `<!doctype html><html><body>\n${links.map((l) => `<a href="${l}">${l}</a><br>`).join('\n')}\n</body></html>`,
        ),
        'text/html; charset=utf-8',
        undefined,
        {},
      );
    if (parts.length === 0) return listing([...library.albums.keys()].map((k) => `${k}/`));
    const album = library.albums.get(parts[0]);
    if (!album) throw new HttpError(404, 'Not Found');
    const files = album.placements
      .map((p) => library.images.get(p.imageKey)!)
      .filter((i) => !i.deleted && i.original && !i.processing);
    const nameOf = (i: SandboxImage) => `${i.imageKey}.${i.isVideo ? 'mp4' : 'jpg'}`;
    if (parts.length === 1) return listing(files.map(nameOf));
    const image = files.find((i) => nameOf(i) === parts[1]);
    if (!image || parts.length !== 2) throw new HttpError(404, 'Not Found');
    const file = image.original!;
    await this.sendFile(res, image, file, {
      status: 200,
      start: 0,
      end: file.size - 1,
      fault: undefined,
      headers: { ETag: `"${file.md5}"`, 'Last-Modified': new Date(image.lastUpdated).toUTCString() },
    });
  }

  /**
   * An image's Medium rendition (`/previews/i-K/serial/token/M/…`), signed like any media, counted
   * apart (`previewsServedByImage`) so the originals' counters say what they always said.
   */
  async preview(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const m = /^\/previews\/i-([A-Za-z0-9]+)\/(\d+)\/([a-z0-9]+)\/M\/[^/]+$/.exec(url.pathname);
    const image = m ? this.sandbox.library.images.get(m[1]) : undefined;
    if (!m || !image?.medium || image.deleted || image.serial !== Number(m[2]) || image.urlToken !== m[3])
      throw new HttpError(404, 'Not Found');
    if (this.sandbox.options.requireSignedMedia) this.callers.authenticate(req, url);
    countIn(this.sandbox.counters.previewsServedByImage, image.imageKey);
    const file = image.medium;
    await this.send.stream(res, {
      status: 200,
      open: () => createReadStream(file.path),
      length: file.size,
      type: 'image/jpeg',
      fault: undefined,
      headers: { ETag: `"${file.md5}"` },
      onBytes: () => undefined,
    });
  }

  /** The bytes from `start` to `end` of a file, counted as served for its image, paced when asked. */
  private async sendFile(
    res: ServerResponse,
    image: SandboxImage,
    file: MediaFile,
    how: { status: number; start: number; end: number; fault: FaultRule | undefined; headers: Record<string, string> },
  ): Promise<void> {
    const { counters } = this.sandbox;
    countIn(counters.mediaRequestsByImage, image.imageKey);
    await this.send.stream(res, {
      status: how.status,
      open: () => createReadStream(file.path, { start: how.start, end: how.end }),
      length: how.end - how.start + 1,
      type: image.isVideo ? 'video/mp4' : 'image/jpeg',
      fault: how.fault,
      headers: how.headers,
      onBytes: (n) => countIn(this.sandbox.counters.bytesServedByImage, image.imageKey, n),
      pace: this.pace,
    });
  }
}
