import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { SeededRandom } from './seeded-random';
import { type MediaFile, writeJpeg, writeMp4, writeRawTiff } from './media-files';

/** About the size of SmugMug's Medium rendition of a photo (its previews). */
const MEDIUM_BYTES = 6_000;

/** The size knobs of a generated library. The same options always give the same library. */
export const LibraryOptions = z.object({
  seed: z.string().default('smugmug-sandbox'),
  nickname: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/)
    .default('sandbox-photographer'),
  /** Ordinary albums, spread over the folder tree (the tricky-case albums come on top). */
  albums: z.number().int().min(0).default(6),
  /** Ordinary folders; the first ones form a chain down to `maxFolderDepth`. */
  folders: z.number().int().min(0).default(6),
  maxFolderDepth: z.number().int().min(1).max(5).default(5),
  photosPerAlbum: z.number().int().min(0).default(8),
  /** Videos with an original, spread over the ordinary albums. */
  videos: z.number().int().min(0).default(2),
  photoBytes: z
    .object({ min: z.number().int().min(0), max: z.number().int().min(0) })
    .default({ min: 20_000, max: 200_000 }),
  videoBytes: z
    .object({ min: z.number().int().min(0), max: z.number().int().min(0) })
    .default({ min: 1_000_000, max: 3_000_000 }),
  /** Adds the cases users hit: unicode/NFD and punctuation in names, duplicates, collected, empty, big, processing, hidden. */
  trickyCases: z.boolean().default(true),
  /** Images in the tricky "larger than one page" album. */
  bigAlbumImages: z.number().int().min(1).default(130),
  /**
   * Photos of the ordinary albums that carry a RAW file (SmugMug Source), as a component of their
   * library asset: the first photo of each album in turn, then the second… (None unless asked, as
   * on an account without Source; the sandbox's own default library, `npm run sandbox`, has
   * DEFAULT_RAW_COMPONENTS.)
   */
  rawComponents: z.number().int().min(0).default(0),
  rawBytes: z
    .object({ min: z.number().int().min(64), max: z.number().int().min(64) })
    .default({ min: 200_000, max: 400_000 }),
  /** Fields the RAWs' listing leaves out, as a real account might: copied all the same, checked by what is left. */
  rawUnlisted: z.array(z.enum(['MD5', 'FileSize'])).default([]),
});
export type LibraryOptions = z.infer<typeof LibraryOptions>;

/** RAW files in the library `npm run sandbox` (and so the local stack and the demo) serves by default: an account with Source. */
export const DEFAULT_RAW_COMPONENTS = 3;

export type Privacy = 'Public' | 'Unlisted' | 'Private';

export interface SandboxImage {
  imageKey: string;
  serial: number;
  fileName: string;
  title: string;
  caption: string;
  keywords: string[];
  format: 'JPG' | 'MP4';
  isVideo: boolean;
  hidden: boolean;
  /** Still being processed by SmugMug: no original to download yet. */
  processing: boolean;
  status: 'Open' | 'Preprocess';
  subStatus: 'NFS' | 'CanNotProcess';
  width: number;
  height: number;
  uploaded: string;
  /** EXIF DateTimeOriginal: the camera's wall-clock time, without a zone, as SmugMug shows it. */
  captured?: string;
  /** EXIF OffsetTimeOriginal, which only newer cameras write (`+09:00`); in `!metadata` only. */
  captureOffset?: string;
  lastUpdated: string;
  latitude: number;
  longitude: number;
  altitude: number;
  /** The untouched upload (ArchivedUri); absent for some videos. */
  original?: MediaFile;
  /** SmugMug's own transcode of a video (LargestVideo), with a different MD5 from the original. */
  largestVideo?: MediaFile;
  /** A RAW file kept by SmugMug Source beside the photo: a component of its library asset. */
  raw?: SandboxComponent;
  /** SmugMug's Medium rendition (`ImageSizeMedium` of `!sizedetails`): a small JPEG, a video's poster frame too. */
  medium?: MediaFile;
  /** Secret segment of media URLs, as SmugMug puts one in every ArchivedUri. */
  urlToken: string;
  deleted: boolean;
}

/** A component of an image's library asset (`!components`): a RAW file, with its own name, size and MD5. */
export interface SandboxComponent extends MediaFile {
  componentKey: string;
  extension: 'RW2';
  fileName: string;
  /** Fields its listing leaves out (LibraryOptions.rawUnlisted). */
  unlisted: Array<'MD5' | 'FileSize'>;
}

export interface AlbumPlacement {
  imageKey: string;
  origin: 'Album' | 'Collected';
}

export interface SandboxAlbum {
  albumKey: string;
  nodeId: string;
  name: string;
  description: string;
  keywords: string[];
  privacy: Privacy;
  created: string;
  placements: AlbumPlacement[];
}

export interface SandboxNode {
  nodeId: string;
  type: 'Folder' | 'Album';
  name: string;
  urlName: string;
  urlPath: string;
  parentId?: string;
  childIds: string[];
  albumKey?: string;
  privacy: Privacy;
  depth: number;
  created: string;
}

export interface SandboxLibrary {
  nickname: string;
  displayName: string;
  rootNodeId: string;
  nodes: Map<string, SandboxNode>;
  albums: Map<string, SandboxAlbum>;
  images: Map<string, SandboxImage>;
}

/** SmugMug's UrlName: words joined by dashes, first letter upper-case, only URL-safe ASCII. */
export function urlNameOf(name: string): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[^\x00-\x7f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const base = ascii || 'n';
  return base[0].toUpperCase() + base.slice(1);
}

interface PendingImage {
  image: Omit<SandboxImage, 'original' | 'largestVideo' | 'raw'>;
  raw?: { bytes: number; componentKey: string };
  original?: { kind: 'jpeg' | 'mp4' | 'mp4-without-moov'; bytes: number };
  largestVideo?: { bytes: number };
}

class LibraryBuilder {
  readonly random: SeededRandom;
  readonly nodes = new Map<string, SandboxNode>();
  readonly albums = new Map<string, SandboxAlbum>();
  readonly pending: PendingImage[] = [];
  readonly rootNodeId: string;
  private clock = Date.UTC(2019, 0, 1);

  constructor(readonly options: LibraryOptions) {
    this.random = new SeededRandom(options.seed);
    this.rootNodeId = this.uniqueKey(6, this.nodes);
    this.nodes.set(this.rootNodeId, {
      nodeId: this.rootNodeId,
      type: 'Folder',
      name: '',
      urlName: '',
      urlPath: '/',
      childIds: [],
      privacy: 'Public',
      depth: 0,
      created: this.tick(),
    });
  }

  tick(): string {
    this.clock += this.random.int(60, 86_400) * 1000;
    return new Date(this.clock).toISOString().replace('.000Z', '+00:00');
  }

  uniqueKey(length: number, taken: Map<string, unknown>): string {
    for (;;) {
      const key = this.random.key(length);
      if (!taken.has(key)) return key;
    }
  }

  private addNode(parentId: string, type: SandboxNode['type'], name: string, privacy: Privacy): SandboxNode {
    const parent = this.nodes.get(parentId)!;
    const urlName = urlNameOf(name);
    const node: SandboxNode = {
      nodeId: this.uniqueKey(6, this.nodes),
      type,
      name,
      urlName,
      urlPath: `${parent.urlPath === '/' ? '' : parent.urlPath}/${urlName}`,
      parentId,
      childIds: [],
      privacy,
      depth: parent.depth + 1,
      created: this.tick(),
    };
    this.nodes.set(node.nodeId, node);
    parent.childIds.push(node.nodeId);
    return node;
  }

  folder(parentId: string, name: string): SandboxNode {
    return this.addNode(parentId, 'Folder', name, 'Public');
  }

  album(parentId: string, name: string, privacy: Privacy = 'Public'): SandboxAlbum {
    const node = this.addNode(parentId, 'Album', name, privacy);
    const album: SandboxAlbum = {
      albumKey: this.uniqueKey(6, this.albums),
      nodeId: node.nodeId,
      name,
      description: `Generated album ${name}`,
      keywords: ['sandbox', urlNameOf(name).toLowerCase()],
      privacy,
      created: node.created,
      placements: [],
    };
    node.albumKey = album.albumKey;
    this.albums.set(album.albumKey, album);
    return album;
  }

  private readonly imageKeys = new Set<string>();

  private newImageKey(): string {
    for (;;) {
      const key = this.random.key(7);
      if (!this.imageKeys.has(key)) {
        this.imageKeys.add(key);
        return key;
      }
    }
  }

  image(
    album: SandboxAlbum,
    fileName: string,
    extra: Partial<SandboxImage> & {
      bytes?: number;
      video?: 'original' | 'damaged-original' | 'transcode-only' | 'processing' | 'failed';
    } = {},
  ): SandboxImage {
    const { bytes, video, ...fields } = extra;
    const isVideo = video !== undefined;
    const { min, max } = isVideo ? this.options.videoBytes : this.options.photoBytes;
    const size = bytes ?? this.random.int(min, max);
    const uploaded = this.tick();
    const image: SandboxImage = {
      imageKey: this.newImageKey(),
      serial: 0,
      fileName,
      title: fileName.replace(/\.[^.]+$/, ''),
      caption: `Caption for ${fileName}`,
      keywords: ['sandbox', isVideo ? 'video' : 'photo'],
      format: isVideo ? 'MP4' : 'JPG',
      isVideo,
      hidden: false,
      processing: video === 'processing',
      status: video === 'failed' ? 'Preprocess' : 'Open',
      subStatus: video === 'failed' ? 'CanNotProcess' : 'NFS',
      width: isVideo ? 1920 : 96,
      height: isVideo ? 1080 : 64,
      uploaded,
      captured: isVideo ? undefined : uploaded.replace('+00:00', ''),
      lastUpdated: uploaded,
      latitude: Number((this.random.next() * 140 - 70).toFixed(6)),
      longitude: Number((this.random.next() * 340 - 170).toFixed(6)),
      altitude: this.random.int(0, 3000),
      urlToken: this.random.key(8).toLowerCase(),
      deleted: false,
      ...fields,
    };
    const entry: PendingImage = { image };
    if (!isVideo) entry.original = { kind: 'jpeg', bytes: size };
    else if (video === 'original' || video === 'damaged-original') {
      entry.original = { kind: video === 'original' ? 'mp4' : 'mp4-without-moov', bytes: size };
      entry.largestVideo = { bytes: Math.max(1, Math.floor(size * 0.6)) };
    } else if (video === 'transcode-only') entry.largestVideo = { bytes: size };
    this.pending.push(entry);
    album.placements.push({ imageKey: image.imageKey, origin: 'Album' });
    return image;
  }
}

function addOrdinaryContent(b: LibraryBuilder): void {
  const { options, random } = b;
  const folderIds = [b.rootNodeId];
  for (let i = 0; i < options.folders; i++) {
    // The first folders form one chain to the deepest level; the rest hang anywhere above it.
    const chainParent = folderIds[folderIds.length - 1];
    const chainDepth = b.nodes.get(chainParent)!.depth;
    const candidates = folderIds.filter((id) => b.nodes.get(id)!.depth < options.maxFolderDepth);
    const parentId =
      i < options.maxFolderDepth && chainDepth < options.maxFolderDepth ? chainParent : random.pick(candidates);
    folderIds.push(b.folder(parentId, `Folder ${i + 1} level ${b.nodes.get(parentId)!.depth + 1}`).nodeId);
  }
  const albums: SandboxAlbum[] = [];
  for (let i = 0; i < options.albums; i++) {
    // The first album goes into the deepest folder, so the full depth always holds content.
    const parentId = i === 0 ? folderIds[Math.min(options.folders, options.maxFolderDepth)] : random.pick(folderIds);
    const album = b.album(parentId, `Album ${i + 1}`);
    albums.push(album);
    for (let p = 0; p < options.photosPerAlbum; p++)
      b.image(album, `IMG_${String(i * 1000 + p + 1).padStart(4, '0')}.JPG`);
  }
  for (let v = 0; v < options.videos && albums.length > 0; v++) {
    b.image(albums[v % albums.length], `VID_${String(v + 1).padStart(4, '0')}.MP4`, { video: 'original' });
  }
  addRawComponents(b, albums);
}

/** RAW files beside the first photos of the albums, in turn; drawn from a random of their own, so nothing else moves. */
function addRawComponents(b: LibraryBuilder, albums: SandboxAlbum[]): void {
  const { rawComponents, rawBytes, seed } = b.options;
  const random = new SeededRandom(`${seed}/raw`);
  for (let r = 0; r < rawComponents && albums.length > 0; r++) {
    const album = albums[r % albums.length];
    const imageKey = album.placements[Math.floor(r / albums.length)]?.imageKey;
    const pending = b.pending.find((p) => p.image.imageKey === imageKey && !p.image.isVideo);
    if (pending) pending.raw = { bytes: random.int(rawBytes.min, rawBytes.max), componentKey: random.key(10) };
  }
}

function addTrickyCases(b: LibraryBuilder): void {
  const edge = b.folder(b.rootNodeId, 'Edge Cases');
  const tiny = { bytes: 2_000 };

  const unicode = b.album(edge.nodeId, 'Crème brûlée – Ünïcode 東京'.normalize('NFD'));
  // Capture dates at the edges of Pacific daylight saving time: the hour skipped in March, the one repeated in November.
  b.image(unicode, 'Crème brûlée.jpg'.normalize('NFD'), { captured: '2021-03-14T02:30:00' });
  b.image(unicode, 'Crème brûlée.jpg'.normalize('NFC'), { captured: '2021-11-07T01:30:00' });
  // Keywords with commas, and a caption with quotes, markup characters and CJK: as photographers write them.
  // Its camera wrote the zone too: a Tokyo time, which the rule must not read as Pacific.
  b.image(unicode, '東京タワー 夜景.jpg', {
    keywords: ['Tokyo, Japan', 'night view', '東京'],
    caption: '夜景 — “Tokyo by night”, <lights> & reflections',
    captured: '2021-03-14T02:30:00',
    captureOffset: '+09:00',
  });
  b.image(unicode, 'emoji 📷 photo.jpg');

  const punctuation = b.album(edge.nodeId, 'Q&A: 100% #1 + more? a/b');
  b.image(punctuation, '50% off + more #1?&a=b.jpg');
  b.image(punctuation, 'with spaces  and/slash.jpg');
  b.image(punctuation, 'quote\'s "double" [brackets].jpg');

  const duplicates = b.album(edge.nodeId, 'Duplicate File Names');
  for (let i = 0; i < 3; i++) b.image(duplicates, 'IMG_0001.JPG', { caption: `Duplicate ${i + 1} of IMG_0001.JPG` });

  const collectedFrom = b.album(edge.nodeId, 'Collected Source');
  const shared = b.image(collectedFrom, 'shared-between-albums.jpg');
  const collector = b.album(edge.nodeId, 'Collected Into');
  collector.placements.push({ imageKey: shared.imageKey, origin: 'Collected' });
  b.image(collector, 'own-photo.jpg');

  b.album(edge.nodeId, 'Empty Album');

  const big = b.album(edge.nodeId, 'Larger Than One Page');
  for (let i = 0; i < b.options.bigAlbumImages; i++) b.image(big, `page-${String(i + 1).padStart(4, '0')}.jpg`, tiny);

  const videos = b.album(edge.nodeId, 'Videos');
  b.image(videos, 'original-kept.mp4', { video: 'original', bytes: 1_500_000 });
  b.image(videos, 'transcode-only.mp4', { video: 'transcode-only', bytes: 1_200_000 });
  // SmugMug keeps it byte for byte, but it does not parse as MP4: its copy is faithful, and held.
  b.image(videos, 'damaged-original.mp4', { video: 'damaged-original', bytes: 900_000 });
  b.image(videos, 'still-processing.mp4', { video: 'processing' });
  b.image(videos, 'could-not-process.mp4', { video: 'failed' });

  const hidden = b.album(edge.nodeId, 'Hidden Items');
  b.image(hidden, 'visible.jpg');
  b.image(hidden, 'hidden.jpg', { hidden: true });

  const privateAlbum = b.album(edge.nodeId, 'Private Album', 'Private');
  b.image(privateAlbum, 'private.jpg');
  const unlisted = b.album(edge.nodeId, 'Unlisted Album', 'Unlisted');
  b.image(unlisted, 'unlisted.jpg');
}

/** Bumped whenever the generated library changes shape, so media folders made before are not reused. */
const LIBRARY_GENERATION = 2;

interface MediaManifest {
  optionsDigest: string;
  files: Record<string, Omit<MediaFile, 'path'>>;
}

/**
 * Builds the library from its options and writes every original and transcode under `mediaDir`.
 * A media folder already made from the same options is reused, so large libraries are generated once.
 */
export async function generateLibrary(
  input: z.input<typeof LibraryOptions>,
  mediaDir: string,
): Promise<SandboxLibrary> {
  const options = LibraryOptions.parse(input);
  const b = new LibraryBuilder(options);
  addOrdinaryContent(b);
  if (options.trickyCases) addTrickyCases(b);

  const optionsDigest = createHash('sha256').update(JSON.stringify({ LIBRARY_GENERATION, options })).digest('hex');
  // One folder per set of options, so sandboxes with different libraries can share `mediaDir`.
  const dir = join(mediaDir, optionsDigest.slice(0, 16));
  await mkdir(dir, { recursive: true });
  const manifestPath = join(dir, 'manifest.json');
  const previous = await readFile(manifestPath, 'utf8').then(
    (t) => JSON.parse(t) as MediaManifest,
    () => undefined,
  );
  const reuse = previous?.optionsDigest === optionsDigest ? previous.files : undefined;
  const files: MediaManifest['files'] = {};
  let wroteAny = false;

  const make = async (name: string, write: (path: string) => Promise<MediaFile>): Promise<MediaFile> => {
    const path = join(dir, name);
    const known = reuse?.[name];
    const file = known ? { path, ...known } : await write(path);
    wroteAny ||= !known;
    files[name] = { size: file.size, md5: file.md5 };
    return file;
  };

  const images = new Map<string, SandboxImage>();
  for (const { image, original, largestVideo, raw } of b.pending) {
    const seed = `${options.seed}/${image.imageKey}`;
    const full: SandboxImage = { ...image };
    if (original) {
      full.original = await make(`${image.imageKey}-D.${original.kind === 'jpeg' ? 'jpg' : 'mp4'}`, (p) =>
        original.kind === 'jpeg'
          ? writeJpeg(p, seed, original.bytes)
          : writeMp4(p, seed, original.bytes, { withoutMoov: original.kind === 'mp4-without-moov' }),
      );
    }
    full.medium = await make(`${image.imageKey}-M.jpg`, (p) => writeJpeg(p, `${seed}/medium`, MEDIUM_BYTES));
    if (largestVideo)
      full.largestVideo = await make(`${image.imageKey}-1920.mp4`, (p) =>
        writeMp4(p, `${seed}/1920`, largestVideo.bytes),
      );
    if (raw)
      full.raw = {
        ...(await make(`${image.imageKey}-raw.rw2`, (p) => writeRawTiff(p, `${seed}/raw`, raw.bytes))),
        componentKey: raw.componentKey,
        extension: 'RW2',
        fileName: image.fileName.replace(/\.[^.]+$/, '.rw2'),
        unlisted: options.rawUnlisted,
      };
    images.set(image.imageKey, full);
  }
  // Left alone when nothing changed, so several sandboxes can share one media folder.
  if (wroteAny || !reuse)
    await writeFile(manifestPath, JSON.stringify({ optionsDigest, files } satisfies MediaManifest));

  return {
    nickname: options.nickname,
    displayName: 'Sandbox Photographer',
    rootNodeId: b.rootNodeId,
    nodes: b.nodes,
    albums: b.albums,
    images,
  };
}

/** A new folder or album under a folder, made through the API (`POST <node>!children`). */
export function addChildNode(
  library: SandboxLibrary,
  parent: SandboxNode,
  child: {
    type: SandboxNode['type'];
    name: string;
    urlName: string;
    privacy: Privacy;
    description?: string;
    keywords?: string[];
  },
): SandboxNode {
  const newKey = (taken: Map<string, unknown>) => {
    for (;;) {
      const key = randomUUID().replace(/-/g, '').slice(0, 6);
      if (!taken.has(key)) return key;
    }
  };
  const created = new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const node: SandboxNode = {
    nodeId: newKey(library.nodes),
    type: child.type,
    name: child.name,
    urlName: child.urlName,
    urlPath: `${parent.urlPath === '/' ? '' : parent.urlPath}/${child.urlName}`,
    parentId: parent.nodeId,
    childIds: [],
    privacy: child.privacy,
    depth: parent.depth + 1,
    created,
  };
  library.nodes.set(node.nodeId, node);
  parent.childIds.push(node.nodeId);
  if (child.type === 'Album') {
    const album: SandboxAlbum = {
      albumKey: newKey(library.albums),
      nodeId: node.nodeId,
      name: child.name,
      description: child.description ?? '',
      keywords: child.keywords ?? [],
      privacy: child.privacy,
      created,
      placements: [],
    };
    node.albumKey = album.albumKey;
    library.albums.set(album.albumKey, album);
  }
  return node;
}

/** Uploads a new photo to an album at run time, as a user would between two migrations. */
export async function addPhoto(
  library: SandboxLibrary,
  album: SandboxAlbum,
  fileName: string,
  bytes: number,
  mediaDir: string,
): Promise<SandboxImage> {
  const random = new SeededRandom(`${album.albumKey}/${library.images.size}/${fileName}`);
  let imageKey = random.key(7);
  while (library.images.has(imageKey)) imageKey = random.key(7);
  const dir = join(mediaDir, 'added');
  await mkdir(dir, { recursive: true });
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00');
  const image: SandboxImage = {
    imageKey,
    serial: 0,
    fileName,
    title: fileName.replace(/\.[^.]+$/, ''),
    caption: '',
    keywords: ['added'],
    format: 'JPG',
    isVideo: false,
    hidden: false,
    processing: false,
    status: 'Open',
    subStatus: 'NFS',
    width: 96,
    height: 64,
    uploaded: now,
    lastUpdated: now,
    latitude: 0,
    longitude: 0,
    altitude: 0,
    urlToken: random.key(8).toLowerCase(),
    deleted: false,
    original: await writeJpeg(join(dir, `${imageKey}-D.jpg`), `${imageKey}/added`, bytes),
    medium: await writeJpeg(join(dir, `${imageKey}-M.jpg`), `${imageKey}/added/medium`, MEDIUM_BYTES),
  };
  library.images.set(imageKey, image);
  album.placements.push({ imageKey, origin: 'Album' });
  return image;
}
