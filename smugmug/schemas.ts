import { z } from 'zod';

/** SmugMug returns numbers as strings in places (Latitude, ISO…): accept both. */
const looseNumber = z
  .union([z.number(), z.string()])
  .transform((v) => (typeof v === 'number' ? v : Number.parseFloat(v)))
  .pipe(z.number().or(z.nan()));

const UriLink = z.object({ Uri: z.string() }).loose();

export const Pages = z
  .object({
    Total: z.number().int(),
    Start: z.number().int(),
    Count: z.number().int(),
    NextPage: z.string().optional(),
  })
  .loose();

/** The envelope of every API answer; the payload sits under `Response[Response.Locator]`. */
export const Envelope = z
  .object({
    Code: z.number().int(),
    Message: z.string(),
    Response: z.object({ Locator: z.string(), LocatorType: z.string().optional(), Pages: Pages.optional() }).loose(),
    /** What `_expand` inlined, keyed by URI; each value is a small envelope with its own Locator. */
    Expansions: z.record(z.string(), z.object({ Locator: z.string() }).loose()).optional(),
  })
  .loose();
export type Envelope = z.infer<typeof Envelope>;

export const User = z
  .object({
    NickName: z.string(),
    Uris: z.object({ Node: UriLink }).loose(),
  })
  .loose();

export const Node = z
  .object({
    NodeID: z.string(),
    Type: z.string(),
    Name: z.string(),
    UrlPath: z.string().optional(),
    UrlName: z.string().optional(),
    Privacy: z.string().optional(),
    Uri: z.string(),
    Uris: z.object({ Album: UriLink.optional(), ChildNodes: UriLink.optional() }).loose(),
  })
  .loose();
export type Node = z.infer<typeof Node>;

/** Who sees a folder or an album: SmugMug's three levels, least public last. */
export const NodePrivacy = z.enum(['Public', 'Unlisted', 'Private']);
export type NodePrivacy = z.infer<typeof NodePrivacy>;

/** The Uploader's answer, in the old v1 shape: the new image, or a refusal (with HTTP 200) and its code. */
export const UploaderReply = z.discriminatedUnion('stat', [
  z.object({ stat: z.literal('ok'), Image: z.object({ ImageUri: z.string() }).loose() }).loose(),
  z.object({ stat: z.literal('fail'), code: z.coerce.number(), message: z.string().default('') }).loose(),
]);

export const Album = z
  .object({
    AlbumKey: z.string(),
    Name: z.string(),
    UrlName: z.string().optional(),
    Privacy: z.string().optional(),
    Description: z.string().optional(),
    Keywords: z.union([z.string(), z.array(z.string())]).optional(),
    ImageCount: z.number().int().optional(),
    LastUpdated: z.string().optional(),
    WebUri: z.string().optional(),
    Uri: z.string(),
  })
  .loose();
export type Album = z.infer<typeof Album>;

export const AlbumImage = z
  .object({
    ImageKey: z.string(),
    Serial: z.number().int().default(0),
    FileName: z.string().default(''),
    Title: z.string().default(''),
    Caption: z.string().default(''),
    Keywords: z.string().default(''),
    KeywordArray: z.array(z.string()).optional(),
    Format: z.string().default(''),
    IsVideo: z.boolean().default(false),
    Hidden: z.boolean().default(false),
    Processing: z.boolean().default(false),
    Status: z.string().optional(),
    SubStatus: z.string().optional(),
    DateTimeUploaded: z.string().optional(),
    DateTimeOriginal: z.string().optional(),
    LastUpdated: z.string().optional(),
    Latitude: looseNumber.optional(),
    Longitude: looseNumber.optional(),
    Altitude: looseNumber.optional(),
    Origin: z.string().optional(),
    ArchivedUri: z.string().optional(),
    ArchivedSize: z.number().int().optional(),
    ArchivedMD5: z.string().optional(),
    WebUri: z.string().optional(),
    Uri: z.string(),
    Uris: z
      .object({
        LargestVideo: UriLink.optional(),
        ImageMetadata: UriLink.optional(),
        ImageSizeDetails: UriLink.optional(),
      })
      .loose()
      .default({}),
    /**
     * The file types of the image's library asset, by kind (`{ Image: ['jpg'] }`); with SmugMug
     * Source, a RAW's type too. Its exact shape on a real Source account is unverified: read broadly.
     */
    ComponentFileTypes: z.record(z.string(), z.array(z.string()).catch([])).optional().catch(undefined),
  })
  .loose();
export type AlbumImage = z.infer<typeof AlbumImage>;

/**
 * One component of an image's library asset (`/api/v2/library/asset/{ImageKey}!components`): with
 * SmugMug Source, the RAW file kept beside the photo (`ComponentType: "svi"`). The shape comes from
 * one user's paste and SmugMug support's word, never from a real account here: every field but the
 * type is optional, and unknown ones are kept.
 */
export const AssetComponent = z
  .object({
    ComponentType: z.string(),
    ComponentKey: z.string().optional(),
    Extension: z.string().optional(),
    FileName: z.string().optional(),
    FileSize: z.number().int().min(0).optional().catch(undefined),
    MD5: z.string().optional(),
    DownloadUrl: z.string().optional(),
    Url: z.string().optional(),
    Uri: z.string().optional(),
  })
  .loose();
export type AssetComponent = z.infer<typeof AssetComponent>;

/**
 * Whether an image's asset may hold more than its own file (a RAW beside the JPEG): a kind other
 * than its own, or a second extension. Only such images are asked for their components.
 */
export function mayHaveOtherComponents(image: Pick<AlbumImage, 'ComponentFileTypes' | 'Format' | 'IsVideo'>): boolean {
  const types = image.ComponentFileTypes;
  if (!types) return false;
  const own = image.IsVideo ? 'video' : 'image';
  const kinds = Object.keys(types).map((k) => k.toLowerCase());
  const extensions = new Set(
    Object.values(types)
      .flat()
      .map((e) => e.toLowerCase().replace(/^\./, '')),
  );
  return kinds.some((k) => k !== own) || extensions.size > 1;
}

/**
 * `!sizedetails`: the renditions SmugMug made of an image (of a video, its poster frame). The
 * service keeps the Medium one as the image's preview.
 */
export const ImageSizeDetails = z
  .object({
    ImageSizeMedium: z
      .object({ Url: z.string(), Size: z.number().int().min(0).optional(), Ext: z.string().optional() })
      .loose()
      .optional(),
  })
  .loose();
export type ImageSizeDetails = z.infer<typeof ImageSizeDetails>;

/** The raw EXIF values of `!metadata`, without a zone unless the camera wrote OffsetTimeOriginal. */
export const ImageMetadata = z
  .object({ DateTimeOriginal: z.string().optional(), OffsetTimeOriginal: z.string().optional() })
  .loose();
export type ImageMetadata = z.infer<typeof ImageMetadata>;

export const LargestVideo = z
  .object({ Url: z.string(), Size: z.number().int(), MD5: z.string().optional(), Usable: z.boolean().optional() })
  .loose();
export type LargestVideo = z.infer<typeof LargestVideo>;
