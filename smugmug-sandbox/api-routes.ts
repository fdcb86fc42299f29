import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Callers } from './callers';
import { HttpError, type SandboxContext } from './context';
import {
  applyResponseOptions,
  type ApiObject,
  type Endpoint,
  listEnvelope,
  objectEnvelope,
  pageRequest,
  type UriLink,
} from './envelope';
import type { FaultRule } from './faults';
import { addChildNode, type SandboxAlbum, type SandboxImage, type SandboxNode, urlNameOf } from './library';
import type { Caller } from './oauth-server';
import * as rep from './representations';
import type { Responses } from './responses';

/**
 * The part of SmugMug API v2 the service uses (`/api/v2…`): the user, folders (nodes) and their
 * children, albums and their images with `_expand=ImageMetadata`, images with `!metadata` and
 * `!largestvideo`, a library asset's `!components` (SmugMug Source's RAW files), and deleting an
 * image, an album's copy of it, or an album. What the caller's token may see
 * decides what exists (Access=Public hides private albums, hidden images and originals).
 */
export class ApiRoutes {
  constructor(
    private readonly sandbox: SandboxContext,
    private readonly callers: Callers,
    private readonly send: Responses,
  ) {}

  /** Answers one API request, signed and within its rate limit; `fault` is the body fault armed for it. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL, fault: FaultRule | undefined): void {
    const caller = this.callers.authenticate(req, url);
    this.callers.checkRateLimit(res, caller);
    const view = this.viewOf(caller);
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? 'GET';
    const endpoint = (locator: string, description: string, endpointType?: string): Endpoint => ({
      uri: url.pathname,
      method,
      locator,
      description,
      endpointType,
    });
    const reply = (envelope: ReturnType<typeof objectEnvelope> | ReturnType<typeof listEnvelope>) => {
      const expansions = this.expansionsOf(view, envelope.Response, url);
      applyResponseOptions(envelope, url);
      this.send.json(res, 200, expansions ? { ...envelope, Expansions: expansions } : envelope, url, fault);
    };
    if (method === 'DELETE') return this.delete(caller, view, path, endpoint, reply);
    if (method !== 'GET' && method !== 'HEAD') throw new HttpError(405, 'Method Not Allowed');
    return this.get(caller, view, path, url, endpoint, reply);
  }

  /**
   * The API's writes the way back uses: `POST <node>!children` (a folder or an album, with
   * SmugMug's UrlName rules: at most 60 letters, digits and dashes, starting with a capital letter or
   * a digit, 400 otherwise; 409 for one its siblings hold; folders at most 5 deep) and `PATCH` of an
   * image's metadata. `applied-then-504` applies the write, then answers 504.
   */
  async write(req: IncomingMessage, res: ServerResponse, url: URL, fault: FaultRule | undefined): Promise<void> {
    const caller = this.callers.authenticate(req, url);
    this.callers.checkRateLimit(res, caller);
    this.callers.requireModify(caller);
    const view = this.viewOf(caller);
    const body = await jsonBody(req);
    const path = decodeURIComponent(url.pathname);
    const e = (locator: string, description: string): Endpoint => ({
      uri: url.pathname,
      method: req.method ?? 'POST',
      locator,
      description,
    });
    const reply = (status: number, envelope: ReturnType<typeof objectEnvelope>) => {
      if (fault?.kind === 'applied-then-504') throw new HttpError(504, 'Gateway Timeout');
      applyResponseOptions(envelope, url);
      this.send.json(res, status, { ...envelope, Code: status }, url, fault);
    };
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && (m = /^\/api\/v2\/node\/([^/!]+)!children$/.exec(path))) {
      const parent = this.sandbox.library.nodes.get(m[1]);
      if (!parent || !rep.nodeVisible(view, parent)) throw new HttpError(404, 'Not Found');
      const node = this.createChild(parent, body);
      return reply(201, objectEnvelope(e('Node', 'Child nodes of this node'), rep.nodeObject(view, node)));
    }
    if (req.method === 'PATCH' && (m = /^\/api\/v2\/image\/([^/!]+)$/.exec(path))) {
      const image = this.findImage(view, m[1]);
      patchImage(image, body);
      return reply(200, objectEnvelope(e('Image', 'Image by key'), rep.imageObject(view, image)));
    }
    throw new HttpError(405, 'Method Not Allowed');
  }

  private createChild(parent: SandboxNode, body: Record<string, unknown>): SandboxNode {
    if (parent.type !== 'Folder') throw new HttpError(400, 'Only a folder has children');
    const type = body.Type;
    if (type !== 'Folder' && type !== 'Album') throw new HttpError(400, 'Type must be Folder or Album');
    if (typeof body.Name !== 'string' || body.Name.trim() === '') throw new HttpError(400, 'Name is required');
    const urlName = typeof body.UrlName === 'string' ? body.UrlName : urlNameOf(body.Name);
    if (urlName.length > 60 || !/^[A-Za-z0-9-]+$/.test(urlName))
      throw new HttpError(400, 'UrlName: at most 60 letters, digits and dashes');
    if (!/^[A-Z0-9]/.test(urlName)) throw new HttpError(400, 'UrlName must start with a capital letter or a digit');
    if (type === 'Folder' && parent.depth + 1 > MAX_FOLDER_DEPTH)
      throw new HttpError(400, `Folders nest at most ${MAX_FOLDER_DEPTH} deep`);
    const { library } = this.sandbox;
    if (parent.childIds.some((id) => library.nodes.get(id)!.urlName.toLowerCase() === urlName.toLowerCase()))
      throw new HttpError(409, 'A folder or album of this UrlName is already here');
    const privacy = body.Privacy ?? 'Public';
    if (privacy !== 'Public' && privacy !== 'Unlisted' && privacy !== 'Private')
      throw new HttpError(400, 'Privacy must be Public, Unlisted or Private');
    return addChildNode(library, parent, {
      type,
      name: body.Name,
      urlName,
      privacy,
      description: typeof body.Description === 'string' ? body.Description : undefined,
      keywords: Array.isArray(body.KeywordArray) ? (body.KeywordArray as string[]) : undefined,
    });
  }

  private get(
    caller: Caller,
    view: rep.View,
    path: string,
    url: URL,
    e: (locator: string, description: string, endpointType?: string) => Endpoint,
    reply: (envelope: ReturnType<typeof objectEnvelope> | ReturnType<typeof listEnvelope>) => void,
  ): void {
    const { library, options } = this.sandbox;
    const page = () => pageRequest(url, options.defaultPageSize, options.maxPageSize);
    let m: RegExpExecArray | null;
    if (path === '/api/v2!authuser') {
      if (!caller.accessToken) throw new HttpError(401, 'Unauthorized: !authuser needs an OAuth access token');
      return reply(objectEnvelope(e('User', 'User By Nickname', 'User'), rep.userObject(view)));
    }
    if ((m = /^\/api\/v2\/user\/([^/!]+)(!albums)?$/.exec(path))) {
      if (m[1] !== view.library.nickname) throw new HttpError(404, 'Not Found');
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
      const album = this.findAlbum(view, m[1]);
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
      const album = this.findAlbum(view, m[1]);
      const image = this.findImage(view, m[2]);
      if (!album.placements.some((p) => p.imageKey === image.imageKey)) throw new HttpError(404, 'Not Found');
      return reply(objectEnvelope(e('AlbumImage', 'Image from album'), rep.albumImageObject(view, album, image)));
    }
    if ((m = /^\/api\/v2\/library\/asset\/([^/!]+)!components$/.exec(path))) {
      // A library asset is named by the bare ImageKey (no serial), as SmugMug support gives the endpoint.
      const image = this.sandbox.library.images.get(m[1]);
      if (!image || !rep.imageVisible(view, image)) throw new HttpError(404, 'Not Found');
      return reply(
        listEnvelope(e('Component', 'Components of library asset'), rep.assetComponentObjects(view, image), page()),
      );
    }
    if ((m = /^\/api\/v2\/image\/([^/!]+)(!metadata|!largestvideo|!sizedetails)?$/.exec(path))) {
      const image = this.findImage(view, m[1]);
      if (!m[2]) return reply(objectEnvelope(e('Image', 'Image by key'), rep.imageObject(view, image)));
      if (m[2] === '!metadata')
        return reply(objectEnvelope(e('ImageMetadata', 'Metadata for image'), rep.imageMetadataObject(image)));
      if (m[2] === '!sizedetails')
        return reply(objectEnvelope(e('ImageSizeDetails', 'Sizes of image'), rep.imageSizeDetailsObject(view, image)));
      const video = image.isVideo ? rep.largestVideoObject(view, image) : undefined;
      if (!video) throw new HttpError(404, 'Not Found');
      return reply(objectEnvelope(e('LargestVideo', 'Largest size available for video'), video));
    }
    throw new HttpError(404, 'Not Found');
  }

  /** Deleting an image (everywhere) or an album's image (a collected copy only leaves that album). */
  private delete(
    caller: Caller,
    view: rep.View,
    path: string,
    e: (locator: string, description: string) => Endpoint,
    reply: (envelope: ReturnType<typeof objectEnvelope>) => void,
  ): void {
    this.callers.requireModify(caller);
    let m: RegExpExecArray | null;
    if ((m = /^\/api\/v2\/album\/([^/!]+)\/image\/([^/!]+)$/.exec(path))) {
      const album = this.findAlbum(view, m[1]);
      const image = this.findImage(view, m[2]);
      const placement = album.placements.find((p) => p.imageKey === image.imageKey);
      if (!placement) throw new HttpError(404, 'Not Found');
      if (placement.origin === 'Collected') album.placements = album.placements.filter((p) => p !== placement);
      else this.deleteImageEverywhere(image);
      this.recordDeletion(image, album.albumKey);
      return reply(objectEnvelope(e('AlbumImage', 'Image from album'), undefined));
    }
    if ((m = /^\/api\/v2\/album\/([^/!]+)$/.exec(path))) {
      const album = this.findAlbum(view, m[1]);
      this.deleteAlbum(album);
      return reply(objectEnvelope(e('Album', 'Album by key'), undefined));
    }
    if ((m = /^\/api\/v2\/image\/([^/!]+)$/.exec(path))) {
      const image = this.findImage(view, m[1]);
      this.deleteImageEverywhere(image);
      this.recordDeletion(image);
      return reply(objectEnvelope(e('Image', 'Image by key'), undefined));
    }
    throw new HttpError(405, 'Method Not Allowed');
  }

  private viewOf(caller: Caller): rep.View {
    const { library, baseUrl } = this.sandbox;
    // Another account of the studio sees the same library as its own.
    const account = caller.accessToken?.nickname;
    const seen = account && account !== library.nickname ? { ...library, nickname: account } : library;
    return { library: seen, access: caller.accessToken?.access ?? 'Public', baseUrl };
  }

  private findAlbum(view: rep.View, albumKey: string): SandboxAlbum {
    const { library } = this.sandbox;
    const album = library.albums.get(albumKey);
    if (!album || !rep.nodeVisible(view, library.nodes.get(album.nodeId)!)) throw new HttpError(404, 'Not Found');
    return album;
  }

  private findImage(view: rep.View, id: string): SandboxImage {
    const m = /^([A-Za-z0-9]+)-(\d+)$/.exec(id);
    const image = m ? this.sandbox.library.images.get(m[1]) : undefined;
    if (!image || image.serial !== Number(m![2]) || !rep.imageVisible(view, image))
      throw new HttpError(404, 'Not Found');
    return image;
  }

  private recordDeletion(image: SandboxImage, albumKey?: string): void {
    this.sandbox.counters.deletions.push({ imageKey: image.imageKey, albumKey, at: new Date().toISOString() });
  }

  /** Deleting an album removes it from its folder, with the images it holds (collected ones stay in their own albums). */
  private deleteAlbum(album: SandboxAlbum): void {
    const { library } = this.sandbox;
    for (const placement of album.placements) {
      const image = library.images.get(placement.imageKey)!;
      if (placement.origin === 'Album') this.deleteImageEverywhere(image);
      this.recordDeletion(image, album.albumKey);
    }
    const node = library.nodes.get(album.nodeId)!;
    const parent = library.nodes.get(node.parentId!)!;
    parent.childIds = parent.childIds.filter((id) => id !== node.nodeId);
    library.nodes.delete(node.nodeId);
    library.albums.delete(album.albumKey);
  }

  /** Deleting an image removes it everywhere; removing a collected copy leaves the original album alone. */
  private deleteImageEverywhere(image: SandboxImage): void {
    image.deleted = true;
    for (const album of this.sandbox.library.albums.values())
      album.placements = album.placements.filter((p) => p.imageKey !== image.imageKey);
  }

  /**
   * `_expand=ImageMetadata,ImageSizeDetails`: each image's `!metadata` and `!sizedetails` inlined in
   * a top-level `Expansions`, keyed by its URI, as SmugMug does. Other expansion names are not served
   * (left out, not refused).
   */
  private expansionsOf(view: rep.View, response: Record<string, unknown>, url: URL) {
    const names = (url.searchParams.get('_expand')?.split(',').filter(Boolean) ?? []).filter(
      (name) => name === 'ImageMetadata' || name === 'ImageSizeDetails',
    );
    if (names.length === 0) return undefined;
    const payload = response[response.Locator as string];
    const objects = (Array.isArray(payload) ? payload : payload ? [payload] : []) as ApiObject[];
    const expansions: Record<string, unknown> = {};
    for (const object of objects)
      for (const name of names) {
        const uri = (object.Uris as Record<string, UriLink> | undefined)?.[name]?.Uri;
        const m = uri ? /^\/api\/v2\/image\/([^/!]+)!(metadata|sizedetails)$/.exec(uri) : null;
        if (!uri || !m) continue;
        const image = this.findImage(view, m[1]);
        const body =
          name === 'ImageMetadata' ? rep.imageMetadataObject(image) : rep.imageSizeDetailsObject(view, image);
        expansions[uri] = { Uri: uri, Locator: name, LocatorType: 'Object', [name]: body };
      }
    return expansions;
  }
}

/** SmugMug nests folders at most this deep. */
const MAX_FOLDER_DEPTH = 5;

/** A write's JSON body (an empty body is an empty object); anything else is a 400. */
async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, 'The body is not a JSON object');
}

/** An image's metadata as PATCH sets it: Title, Caption, Keywords or KeywordArray, GPS (altitude at least 0), Hidden. */
function patchImage(image: SandboxImage, body: Record<string, unknown>): void {
  const text = (v: unknown, field: string) => {
    if (typeof v !== 'string') throw new HttpError(400, `${field} must be text`);
    return v;
  };
  const number = (v: unknown, field: string, min: number, max: number) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max)
      throw new HttpError(400, `${field} must be a number from ${min} to ${max}`);
    return n;
  };
  if (body.Title !== undefined) image.title = text(body.Title, 'Title');
  if (body.Caption !== undefined) image.caption = text(body.Caption, 'Caption');
  if (body.KeywordArray !== undefined) {
    if (!Array.isArray(body.KeywordArray)) throw new HttpError(400, 'KeywordArray must be a list');
    image.keywords = body.KeywordArray.map((k) => text(k, 'KeywordArray'));
  } else if (body.Keywords !== undefined)
    image.keywords = text(body.Keywords, 'Keywords')
      .split(/[;,]/)
      .map((k) => k.trim())
      .filter(Boolean);
  if (body.Latitude !== undefined) image.latitude = number(body.Latitude, 'Latitude', -90, 90);
  if (body.Longitude !== undefined) image.longitude = number(body.Longitude, 'Longitude', -180, 180);
  if (body.Altitude !== undefined) image.altitude = number(body.Altitude, 'Altitude', 0, 100_000);
  if (body.Hidden !== undefined) {
    if (typeof body.Hidden !== 'boolean') throw new HttpError(400, 'Hidden must be true or false');
    image.hidden = body.Hidden;
  }
  image.lastUpdated = new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
}
