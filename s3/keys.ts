/**
 * S3 keys that mirror what the user sees on SmugMug: `<prefix>/<folder>/<sub folder>/<album>/<file>`.
 * Names are NFC-normalised (macOS uploads arrive in NFD), stripped of characters S3 advises against,
 * and cut to fit S3's 1,024-byte key limit.
 */

const MAX_SEGMENT_BYTES = 180;

/** One path segment: no slashes (they would invent folders), no control or S3-unsafe characters. */
export function safeSegment(name: string, fallback: string): string {
  let s = name
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .replace(/[\\/{}^%`[\]"<>~#|]/g, '_')
    .trim();
  if (s === '' || s === '.' || s === '..') s = fallback;
  if (Buffer.byteLength(s) <= MAX_SEGMENT_BYTES) return s;
  const dot = s.lastIndexOf('.');
  const ext = dot > 0 && s.length - dot <= 10 ? s.slice(dot) : '';
  let stem = s.slice(0, s.length - ext.length);
  while (Buffer.byteLength(stem + ext) > MAX_SEGMENT_BYTES) stem = [...stem].slice(0, -1).join('');
  return stem + ext;
}

export function joinKey(...parts: string[]): string {
  return parts.filter(Boolean).join('/');
}

/** The album's folder key from its folder names and its own name. */
export function albumFolderKey(prefix: string, path: string[], albumKey: string): string {
  return joinKey(prefix, ...path.map((segment) => safeSegment(segment, albumKey)));
}

export interface NamedImage {
  imageKey: string;
  fileName: string;
  /** Upload time, so the oldest of same-named files keeps the plain name whatever order the API lists. */
  uploaded?: string;
}

/** Reserved for the album manifest in every album folder. */
export const MANIFEST_NAME = 'album.json';

function withSuffix(name: string, suffix: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}_${suffix}${name.slice(dot)}` : `${name}_${suffix}`;
}

/**
 * File names for an album's images. Two images whose names collide (same name, or equal after
 * normalisation or case folding, which would clash on a case-insensitive disk) stay two objects: the
 * earliest upload keeps the name, the others get `_<ImageKey>` before the extension.
 */
export function fileNamesFor(images: NamedImage[]): Map<string, string> {
  const sorted = [...images].sort(
    (a, b) => (a.uploaded ?? '').localeCompare(b.uploaded ?? '') || a.imageKey.localeCompare(b.imageKey),
  );
  const taken = new Set<string>([MANIFEST_NAME]);
  const names = new Map<string, string>();
  for (const image of sorted) {
    let name = safeSegment(image.fileName, image.imageKey);
    if (taken.has(name.toLowerCase())) name = safeSegment(withSuffix(name, image.imageKey), image.imageKey);
    taken.add(name.toLowerCase());
    names.set(image.imageKey, name);
  }
  return names;
}
