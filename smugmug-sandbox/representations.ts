import { type ApiObject, link } from './envelope';
import type { SandboxAlbum, SandboxImage, SandboxLibrary, SandboxNode } from './library';
import type { Access } from './oauth-server';

/** How the caller sees the library: Public access hides private/unlisted albums, hidden images and originals. */
export interface View {
  library: SandboxLibrary;
  access: Access;
  /** Base of absolute URLs (media and WebUri), e.g. http://127.0.0.1:8467 */
  baseUrl: string;
}

export const imageId = (image: SandboxImage) => `${image.imageKey}-${image.serial}`;

export function originalUrl(view: View, image: SandboxImage): string {
  const ext = image.isVideo ? 'mp4' : 'jpg';
  return `${view.baseUrl}/photos/i-${image.imageKey}/${image.serial}/${image.urlToken}/D/i-${image.imageKey}-D.${ext}`;
}

export function rawComponentUrl(view: View, image: SandboxImage): string {
  return `${view.baseUrl}/photos/i-${image.imageKey}/${image.serial}/${image.urlToken}/R/i-${image.imageKey}-R.rw2`;
}

export function largestVideoUrl(view: View, image: SandboxImage): string {
  return `${view.baseUrl}/photos/i-${image.imageKey}/${image.serial}/${image.urlToken}/1920/i-${image.imageKey}-1920.mp4`;
}

export function nodeVisible(view: View, node: SandboxNode): boolean {
  return view.access === 'Full' || node.privacy === 'Public';
}

export function imageVisible(view: View, image: SandboxImage): boolean {
  return !image.deleted && (view.access === 'Full' || !image.hidden);
}

export function visibleImagesOf(view: View, album: SandboxAlbum): SandboxImage[] {
  return album.placements.map((p) => view.library.images.get(p.imageKey)!).filter((image) => imageVisible(view, image));
}

export function userObject(view: View): ApiObject {
  const { library } = view;
  const uri = `/api/v2/user/${library.nickname}`;
  return {
    NickName: library.nickname,
    Name: library.displayName,
    ViewPassHint: '',
    QuickShare: false,
    Uri: uri,
    WebUri: `${view.baseUrl}/${library.nickname}`,
    ResponseLevel: view.access === 'Full' ? 'Owner' : 'Public',
    UriDescription: 'User By Nickname',
    Uris: {
      Node: link(`/api/v2/node/${library.rootNodeId}`, 'Node', 'Object', 'Node with the given id.'),
      Folder: link(
        `/api/v2/folder/user/${library.nickname}`,
        'Folder',
        'Object',
        'A folder or legacy (sub)category by UrlPath',
      ),
      UserAlbums: link(`${uri}!albums`, 'Album', 'Objects', "All of user's albums", 'UserAlbums'),
    },
  };
}

export function nodeObject(view: View, node: SandboxNode): ApiObject {
  const uri = `/api/v2/node/${node.nodeId}`;
  const uris: Record<string, unknown> = {};
  if (node.parentId)
    uris.ParentNode = link(`/api/v2/node/${node.parentId}`, 'Node', 'Object', 'Node with the given id.');
  if (node.type === 'Folder')
    uris.ChildNodes = link(`${uri}!children`, 'Node', 'Objects', 'Child nodes of this node', 'ChildNodes');
  if (node.albumKey) uris.Album = link(`/api/v2/album/${node.albumKey}`, 'Album', 'Object', 'Album by key');
  uris.User = link(`/api/v2/user/${view.library.nickname}`, 'User', 'Object', 'User By Nickname');
  const visibleChildren = node.childIds.filter((id) => nodeVisible(view, view.library.nodes.get(id)!));
  const out: ApiObject = {
    NodeID: node.nodeId,
    Type: node.type,
    Name: node.name,
    UrlName: node.urlName,
    UrlPath: node.urlPath,
    Description: '',
    Keywords: [],
    SecurityType: 'None',
    EffectiveSecurityType: 'None',
    HasChildren: visibleChildren.length > 0,
    IsRoot: node.parentId === undefined,
    SortIndex: 0,
    SortMethod: 'SortIndex',
    SortDirection: 'Ascending',
    DateAdded: node.created,
    DateModified: node.created,
    Uri: uri,
    WebUri: `${view.baseUrl}/${view.library.nickname}${node.urlPath === '/' ? '' : node.urlPath}`,
    UriDescription: 'Node with the given id.',
    ResponseLevel: view.access === 'Full' ? 'Owner' : 'Public',
    Uris: uris,
  };
  if (view.access === 'Full') {
    out.Privacy = node.privacy;
    out.EffectivePrivacy = node.privacy;
  }
  return out;
}

export function albumObject(view: View, album: SandboxAlbum): ApiObject {
  const node = view.library.nodes.get(album.nodeId)!;
  const uri = `/api/v2/album/${album.albumKey}`;
  const images = visibleImagesOf(view, album);
  const lastUpdated = images.reduce((latest, i) => (i.lastUpdated > latest ? i.lastUpdated : latest), album.created);
  const out: ApiObject = {
    AlbumKey: album.albumKey,
    NodeID: album.nodeId,
    Name: album.name,
    UrlName: node.urlName,
    UrlPath: node.urlPath,
    Title: album.name,
    NiceName: node.urlName,
    Description: album.description,
    Keywords: album.keywords.join('; '),
    ImageCount: images.length,
    Date: album.created,
    LastUpdated: lastUpdated,
    ImagesLastUpdated: lastUpdated,
    SecurityType: 'None',
    AllowDownloads: true,
    SortMethod: 'Position',
    SortDirection: 'Ascending',
    Uri: uri,
    WebUri: `${view.baseUrl}/${view.library.nickname}${node.urlPath}`,
    UriDescription: 'Album by key',
    ResponseLevel: view.access === 'Full' ? 'Owner' : 'Public',
    Uris: {
      AlbumImages: link(`${uri}!images`, 'AlbumImage', 'Objects', 'Images from album', 'AlbumImages'),
      Node: link(`/api/v2/node/${album.nodeId}`, 'Node', 'Object', 'Node with the given id.'),
      User: link(`/api/v2/user/${view.library.nickname}`, 'User', 'Object', 'User By Nickname'),
    },
  };
  if (view.access === 'Full') out.Privacy = album.privacy;
  return out;
}

function imageFields(view: View, image: SandboxImage): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ImageKey: image.imageKey,
    Serial: image.serial,
    FileName: image.fileName,
    Title: image.title,
    Caption: image.caption,
    Keywords: image.keywords.join('; '),
    KeywordArray: image.keywords,
    Format: image.format,
    IsVideo: image.isVideo,
    IsArchive: false,
    Hidden: image.hidden,
    Processing: image.processing,
    Status: image.status,
    SubStatus: image.subStatus,
    Watermarked: false,
    Protected: false,
    CanEdit: view.access === 'Full',
    OriginalWidth: image.width,
    OriginalHeight: image.height,
    OriginalSize: image.original?.size ?? 0,
    Date: image.uploaded,
    DateTimeUploaded: image.uploaded,
    LastUpdated: image.lastUpdated,
    // SmugMug returns coordinates as strings on images (numbers elsewhere); clients must accept both.
    Latitude: image.latitude.toFixed(14),
    Longitude: image.longitude.toFixed(14),
    Altitude: image.altitude,
    ThumbnailUrl: `${view.baseUrl}/photos/i-${image.imageKey}/${image.serial}/${image.urlToken}/Th/i-${image.imageKey}-Th.jpg`,
    UploadKey: String(100000000 + parseInt(Buffer.from(image.imageKey).toString('hex').slice(0, 7), 16)),
    // With SmugMug Source, the RAW's type beside the photo's (the real shape is unverified: clients read it broadly).
    ComponentFileTypes: image.isVideo
      ? { Video: ['mp4'] }
      : image.raw
        ? { Image: ['jpg'], Raw: ['rw2'] }
        : { Image: ['jpg'] },
    PreferredDisplayFileExtension: image.isVideo ? 'MP4' : 'JPG',
  };
  if (image.captured) out.DateTimeOriginal = image.captured;
  if (view.access === 'Full' && image.original && !image.processing) {
    out.ArchivedUri = originalUrl(view, image);
    out.ArchivedSize = image.original.size;
    out.ArchivedMD5 = image.original.md5;
  }
  return out;
}

function imageUris(image: SandboxImage, albumKey: string | undefined) {
  const imageUri = `/api/v2/image/${imageId(image)}`;
  const uris: Record<string, unknown> = {
    Image: link(imageUri, 'Image', 'Object', 'Image by key'),
    ImageMetadata: link(`${imageUri}!metadata`, 'ImageMetadata', 'Object', 'Metadata for image'),
    ImageSizeDetails: link(`${imageUri}!sizedetails`, 'ImageSizeDetails', 'Object', 'Sizes of image'),
  };
  if (albumKey) uris.Album = link(`/api/v2/album/${albumKey}`, 'Album', 'Object', 'Album by key');
  if (image.isVideo)
    uris.LargestVideo = link(`${imageUri}!largestvideo`, 'LargestVideo', 'Object', 'Largest size available for video');
  return uris;
}

export function albumImageObject(view: View, album: SandboxAlbum, image: SandboxImage): ApiObject {
  const placement = album.placements.find((p) => p.imageKey === image.imageKey)!;
  return {
    ...imageFields(view, image),
    AlbumKey: album.albumKey,
    Origin: placement.origin,
    Uri: `/api/v2/album/${album.albumKey}/image/${imageId(image)}`,
    UriDescription: 'Image from album',
    WebUri: `${view.baseUrl}/${view.library.nickname}${view.library.nodes.get(album.nodeId)!.urlPath}/i-${image.imageKey}`,
    Uris: imageUris(image, album.albumKey),
  };
}

export function imageObject(view: View, image: SandboxImage): ApiObject {
  return {
    ...imageFields(view, image),
    Uri: `/api/v2/image/${imageId(image)}`,
    UriDescription: 'Image by key',
    Uris: imageUris(image, undefined),
  };
}

/** `!sizedetails`: the renditions SmugMug made; the sandbox keeps the Medium one (a video's poster frame too). */
export function imageSizeDetailsObject(view: View, image: SandboxImage): ApiObject {
  const id = `i-${image.imageKey}`;
  const medium = image.medium && {
    Url: `${view.baseUrl}/previews/${id}/${image.serial}/${image.urlToken}/M/${id}-M.jpg`,
    Ext: 'jpg',
    Width: 600,
    Height: 400,
    Size: image.medium.size,
    Watermarked: false,
  };
  return {
    Uri: `/api/v2/image/${imageId(image)}!sizedetails`,
    ImageUrlTemplate: `${view.baseUrl}/previews/${id}/${image.serial}/${image.urlToken}/#size#/${id}-#size#.jpg`,
    UsableSizes: medium ? ['ImageSizeMedium'] : [],
    ...(medium ? { ImageSizeMedium: medium } : {}),
  };
}

export function imageMetadataObject(image: SandboxImage): ApiObject {
  return {
    Make: 'Sandbox',
    Model: image.isVideo ? 'Video Camera' : 'Still Camera',
    ISO: image.isVideo ? '' : 200,
    DateTimeOriginal: image.captured,
    DateTimeCreated: image.captured,
    ...(image.captureOffset ? { OffsetTimeOriginal: image.captureOffset } : {}),
    Latitude: image.latitude,
    Longitude: image.longitude,
    LatitudeReference: image.latitude >= 0 ? 'North' : 'South',
    LongitudeReference: image.longitude >= 0 ? 'East' : 'West',
    Altitude: `${image.altitude} m`,
    Uri: `/api/v2/image/${imageId(image)}!metadata`,
    UriDescription: 'Metadata for image',
  };
}

/** An image's library-asset components (`!components`): its RAW file, as SmugMug Source keeps it. */
export function assetComponentObjects(view: View, image: SandboxImage): ApiObject[] {
  if (!image.raw || view.access !== 'Full') return [];
  const { raw } = image;
  return [
    {
      ComponentType: 'svi',
      ComponentKey: raw.componentKey,
      Extension: raw.extension,
      FileName: raw.fileName,
      FileSize: raw.unlisted.includes('FileSize') ? undefined : raw.size,
      MD5: raw.unlisted.includes('MD5') ? undefined : raw.md5,
      DownloadUrl: rawComponentUrl(view, image),
      Url: rawComponentUrl(view, image),
      Uri: `/api/v2/library/asset/${image.imageKey}/component/svi/${raw.componentKey}`,
      UriDescription: 'Library asset component',
    },
  ];
}

export function largestVideoObject(view: View, image: SandboxImage): ApiObject | undefined {
  if (!image.largestVideo || image.processing) return undefined;
  return {
    Url: largestVideoUrl(view, image),
    Ext: 'mp4',
    Width: 1920,
    Height: 1080,
    Size: image.largestVideo.size,
    MD5: image.largestVideo.md5,
    Usable: true,
    Watermarked: false,
    Bitrate: 8000,
    Duration: 10,
    Uri: `/api/v2/image/${imageId(image)}!largestvideo`,
    UriDescription: 'Largest size available for video',
  };
}
