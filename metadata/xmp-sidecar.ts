import { paginateListObjectsV2, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { create } from 'xmlbuilder2';
import type { MigrationTarget } from '../common/migration-input';
import type { PlanEntry } from '../state/documents';

/** The namespace of the SmugMug ids in a sidecar (exiftool shows them as XMP-smugmug:…). */
const SMUGMUG_NS = 'https://api.smugmug.com/xmp/1.0/';
const NS = {
  x: 'adobe:ns:meta/',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  dc: 'http://purl.org/dc/elements/1.1/',
  xmp: 'http://ns.adobe.com/xap/1.0/',
  exif: 'http://ns.adobe.com/exif/1.0/',
  photoshop: 'http://ns.adobe.com/photoshop/1.0/',
  smugmug: SMUGMUG_NS,
};

/** The sidecar's key: the file's own name with `.xmp` added, as darktable and exiftool look for it (`IMG_1.JPG.xmp`). */
export const sidecarKeyOf = (fileKey: string) => `${fileKey}.xmp`;

/** A coordinate as XMP's GPS fields want it: degrees, decimal minutes and the hemisphere ("48,51.396N"). */
function xmpCoordinate(value: number, positive: 'N' | 'E', negative: 'S' | 'W'): string {
  const abs = Math.abs(value);
  const degrees = Math.floor(abs);
  return `${degrees},${((abs - degrees) * 60).toFixed(6)}${value < 0 ? negative : positive}`;
}

/**
 * The XMP sidecar of one image: title, caption, keywords, capture date, GPS, the SmugMug ids, and
 * the files of its asset copied beside it (its RAW: `related`, file names in the same folder, as
 * dc:relation), where Lightroom, darktable and exiftool read them. Built with an XML library
 * (escaping and encoding are its job), the same bytes for the same metadata, so sync can compare by MD5.
 */
export function xmpSidecar(entry: PlanEntry, related: string[] = []): string {
  const m = entry.metadata;
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const description = doc
    .ele(NS.x, 'x:xmpmeta')
    .ele(NS.rdf, 'rdf:RDF')
    .ele(NS.rdf, 'rdf:Description')
    .att(NS.rdf, 'rdf:about', '');
  for (const [prefix, uri] of Object.entries(NS))
    if (prefix !== 'x' && prefix !== 'rdf') description.att('http://www.w3.org/2000/xmlns/', `xmlns:${prefix}`, uri);
  const langAlt = (name: string, text: string) =>
    description
      .ele(NS.dc, name)
      .ele(NS.rdf, 'rdf:Alt')
      .ele(NS.rdf, 'rdf:li')
      .att('http://www.w3.org/XML/1998/namespace', 'xml:lang', 'x-default')
      .txt(text);
  if (m.title) langAlt('dc:title', m.title);
  if (m.caption) langAlt('dc:description', m.caption);
  if (m.keywords.length > 0) {
    const bag = description.ele(NS.dc, 'dc:subject').ele(NS.rdf, 'rdf:Bag');
    for (const keyword of m.keywords) bag.ele(NS.rdf, 'rdf:li').txt(keyword);
  }
  if (m.captured) {
    description.ele(NS.exif, 'exif:DateTimeOriginal').txt(m.captured);
    description.ele(NS.photoshop, 'photoshop:DateCreated').txt(m.captured);
  }
  if (m.latitude !== undefined && m.longitude !== undefined) {
    description.ele(NS.exif, 'exif:GPSLatitude').txt(xmpCoordinate(m.latitude, 'N', 'S'));
    description.ele(NS.exif, 'exif:GPSLongitude').txt(xmpCoordinate(m.longitude, 'E', 'W'));
    if (m.altitude !== undefined) {
      description.ele(NS.exif, 'exif:GPSAltitudeRef').txt(m.altitude < 0 ? '1' : '0');
      description.ele(NS.exif, 'exif:GPSAltitude').txt(`${Math.round(Math.abs(m.altitude) * 100)}/100`);
    }
  }
  if (related.length > 0) {
    const bag = description.ele(NS.dc, 'dc:relation').ele(NS.rdf, 'rdf:Bag');
    for (const name of related) bag.ele(NS.rdf, 'rdf:li').txt(name);
  }
  if (m.hidden) description.ele(NS.smugmug, 'smugmug:Hidden').txt('True');
  description.ele(NS.smugmug, 'smugmug:ImageKey').txt(entry.imageKey);
  description.ele(NS.smugmug, 'smugmug:AlbumKey').txt(entry.albumKey);
  if (m.webUri) description.ele(NS.smugmug, 'smugmug:WebUri').txt(m.webUri);
  if (entry.md5) description.ele(NS.smugmug, 'smugmug:OriginalMD5').txt(entry.md5);
  return doc.end({ prettyPrint: true });
}

/**
 * Writes the sidecar of every planned file whose sidecar in the bucket differs (or is missing):
 * sync rewrites a sidecar when its metadata changed on SmugMug, never the photo. Returns each
 * image's sidecar key and how many were written.
 */
export async function writeSidecars(
  s3: S3Client,
  target: MigrationTarget,
  albumFolderKey: string,
  entries: PlanEntry[],
) {
  const { bucket } = target;
  const existing = new Map<string, string>();
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: `${albumFolderKey}/` })) {
    for (const o of page.Contents ?? [])
      if (o.Key!.endsWith('.xmp')) existing.set(o.Key!, (o.ETag ?? '').replaceAll('"', ''));
  }
  // An image's components (its RAW) have no sidecar of their own: the image's names them.
  const related = new Map<string, string[]>();
  for (const c of entries.filter((e) => e.component))
    related.set(c.imageKey, [...(related.get(c.imageKey) ?? []), c.key.slice(c.key.lastIndexOf('/') + 1)]);
  const keys = new Map<string, string>();
  let written = 0;
  for (const entry of entries.filter((e) => !e.component)) {
    const key = sidecarKeyOf(entry.key);
    const body = Buffer.from(xmpSidecar(entry, related.get(entry.imageKey)));
    const md5 = createHash('md5').update(body).digest();
    keys.set(entry.imageKey, key);
    if (existing.get(key) === md5.toString('hex')) continue;
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ContentType: 'application/rdf+xml',
        ContentMD5: md5.toString('base64'),
        // Encrypted and tagged as the photos are, but always STANDARD: sidecars are small and read by
        // sync and browsing, and archive classes would bill 40 KB and 90 or 180 days for each.
        ServerSideEncryption: target.sse?.type,
        SSEKMSKeyId: target.sse?.type === 'aws:kms' ? target.sse.kmsKeyId : undefined,
        Tagging: Object.keys(target.tags).length > 0 ? new URLSearchParams(target.tags).toString() : undefined,
      }),
    );
    written += 1;
  }
  return { keys, written };
}
