import { AssetComponent } from './schemas';

/**
 * Camera RAW formats by extension (upper case): a component with one of them is the photographer's
 * "RAW file"; any other component is planned and copied the same way, named by its extension.
 */
export const RAW_EXTENSIONS = new Set([
  '3FR',
  'ARI',
  'ARW',
  'BAY',
  'CR2',
  'CR3',
  'CRW',
  'DCR',
  'DNG',
  'ERF',
  'FFF',
  'IIQ',
  'K25',
  'KDC',
  'MEF',
  'MOS',
  'MRW',
  'NEF',
  'NRW',
  'ORF',
  'PEF',
  'RAF',
  'RAW',
  'RW2',
  'RWL',
  'SR2',
  'SRF',
  'SRW',
  'X3F',
]);

/** The fields SmugMug is known to send for a component; others are logged, so a real account shows what differs. */
const KNOWN_FIELDS = new Set([...Object.keys(AssetComponent.shape), 'UriDescription', 'EndpointType', 'Uris']);

/** A component of an image's asset other than the image's own file, as far as SmugMug describes it. */
export interface OtherComponent {
  /** ComponentKey when it is a plain key, else the extension: unique within one image, safe in a key. */
  id: string;
  type: string;
  extension: string;
  raw: boolean;
  fileName?: string;
  size?: number;
  md5?: string;
  url?: string;
}

/** The extension of a file name, upper case, or undefined. */
const extensionOf = (fileName: string | undefined) => /\.([A-Za-z0-9]{1,10})$/.exec(fileName ?? '')?.[1].toUpperCase();

/**
 * The components of an image that are not its own file (its RAW beside the JPEG): those whose
 * extension differs from the image's own. Read broadly, as the shape on a real Source account is
 * unverified: the extension from `Extension` or the file name, the URL from `DownloadUrl` or `Url`.
 * Fields and types not known are passed to `unexpected`.
 */
export function otherComponents(
  image: { FileName?: string; Format: string },
  components: AssetComponent[],
  unexpected: (what: string) => void,
): OtherComponent[] {
  const own = new Set([extensionOf(image.FileName), image.Format.toUpperCase()].filter(Boolean));
  const others: OtherComponent[] = [];
  for (const c of components) {
    const extra = Object.keys(c).filter((k) => !KNOWN_FIELDS.has(k));
    if (extra.length > 0) unexpected(`fields ${extra.join(', ')}`);
    if (c.ComponentType !== 'svi') unexpected(`ComponentType ${c.ComponentType}`);
    const extension = (c.Extension?.replace(/^\./, '') || extensionOf(c.FileName) || '').toUpperCase();
    if (!extension) unexpected('a component without an extension or file name');
    if (!extension || own.has(extension)) continue;
    const id = c.ComponentKey && /^[A-Za-z0-9_-]{1,64}$/.test(c.ComponentKey) ? c.ComponentKey : extension;
    if (others.some((o) => o.id === id)) continue;
    const md5 = c.MD5 && /^[0-9a-fA-F]{32}$/.test(c.MD5) ? c.MD5.toLowerCase() : undefined;
    if (c.MD5 && !md5) unexpected(`an MD5 that is not 32 hex digits`);
    others.push({
      id,
      type: c.ComponentType,
      extension,
      raw: RAW_EXTENSIONS.has(extension),
      fileName: c.FileName,
      size: c.FileSize,
      md5,
      url: c.DownloadUrl ?? c.Url,
    });
  }
  return others;
}
