import type { ImagePatch } from '../smugmug/client';
import type { AlbumImage } from '../smugmug/schemas';
import type { AlbumManifest } from '../state/documents';

/**
 * An archived image's metadata as SmugMug holds it, both ways: what a PATCH sets on the restored
 * image, and what still differs from the archive once it is there.
 */

type ArchivedImage = AlbumManifest['images'][number];

/** Degrees SmugMug may round a coordinate by (it keeps 14 decimals; some clients write 6). */
const GPS_TOLERANCE = 1e-6;

/** SmugMug's altitude is a whole number of metres from 0 up: a negative one stays only in the archive. */
const altitudeOnSmugMug = (altitude: number) => Math.max(0, Math.round(altitude));

/** What PATCH sets: title, caption, keywords exactly (an empty list clears SmugMug's own), GPS when recorded, hidden. */
export function imagePatchOf(image: ArchivedImage): ImagePatch {
  const patch: ImagePatch = {
    Title: image.title,
    Caption: image.caption,
    KeywordArray: image.keywords,
    Hidden: image.hidden,
  };
  if (image.latitude !== undefined && image.longitude !== undefined) {
    patch.Latitude = image.latitude;
    patch.Longitude = image.longitude;
  }
  if (image.altitude !== undefined) patch.Altitude = altitudeOnSmugMug(image.altitude);
  return patch;
}

/** The keywords SmugMug lists for an image: its array when given, else its `; `-separated field. */
export const keywordsOf = (found: Pick<AlbumImage, 'KeywordArray' | 'Keywords'>) =>
  found.KeywordArray ??
  found.Keywords.split(/[;,]/)
    .map((k) => k.trim())
    .filter(Boolean);

/** The fields of a restored image that are not as archived, in words; empty when all are. */
export function metadataDifferences(image: ArchivedImage, found: AlbumImage): string[] {
  const differences: string[] = [];
  const want = imagePatchOf(image);
  if (found.Title !== want.Title) differences.push('title');
  if (found.Caption !== want.Caption) differences.push('caption');
  if (JSON.stringify(keywordsOf(found)) !== JSON.stringify(want.KeywordArray)) differences.push('keywords');
  if (found.Hidden !== want.Hidden) differences.push('hidden');
  const near = (a: number | undefined, b: number) => a !== undefined && Math.abs(a - b) <= GPS_TOLERANCE;
  if (want.Latitude !== undefined && (!near(found.Latitude, want.Latitude) || !near(found.Longitude, want.Longitude!)))
    differences.push('GPS');
  if (want.Altitude !== undefined && found.Altitude !== want.Altitude) differences.push('altitude');
  return differences;
}

/** How SmugMug keeps a file of this name: byte for byte (JPEG, PNG, GIF), converted (HEIC to JPEG) or re-encoded (videos). */
export function keptAs(image: Pick<ArchivedImage, 'fileName' | 'isVideo'>): 'as-is' | 'converted' | 're-encoded' {
  if (image.isVideo) return 're-encoded';
  return /\.(heic|heif)$/i.test(image.fileName) ? 'converted' : 'as-is';
}

/** The file name SmugMug shows for an upload: a HEIC becomes `NAME.JPG`. */
export function nameOnSmugMug(image: Pick<ArchivedImage, 'fileName' | 'isVideo'>): string {
  return keptAs(image) === 'converted' ? image.fileName.replace(/\.[^.]+$/, '.JPG') : image.fileName;
}
