import { albumFindings, headFindings, type ListedVersion } from '../../activities/audit-archive';

const image = (name: string, extra: Record<string, unknown> = {}) => ({
  imageKey: `K${name}`,
  serial: 1,
  fileName: `${name}.jpg`,
  s3Key: `lib/Trip/${name}.jpg`,
  size: 100,
  md5: '0'.repeat(32),
  source: 'original' as const,
  identicalToOriginal: true,
  format: 'JPG',
  isVideo: false,
  title: '',
  caption: '',
  keywords: [],
  hidden: false,
  s3Checksum: 'AAAAAA==',
  storageClass: 'GLACIER',
  versionId: `v-${name}`,
  etag: `etag-${name}`,
  verified: true,
  sidecarKey: `lib/Trip/${name}.jpg.xmp`,
  ...extra,
});
const manifest = (...images: ReturnType<typeof image>[]) => ({
  // As discovery records an album: its folders, then its own name.
  album: { albumKey: 'ALB', name: 'Trip', path: ['Travel', 'Trip'], nodeId: 'n' },
  images,
});
const version = (key: string, extra: Partial<ListedVersion> = {}): ListedVersion => ({
  key,
  versionId: `v-${key
    .split('/')
    .pop()!
    .replace(/\.jpg(\.xmp)?$/, '')}`,
  isLatest: true,
  deleteMarker: false,
  size: 100,
  etag: `etag-${key
    .split('/')
    .pop()!
    .replace(/\.jpg$/, '')}`,
  storageClass: 'GLACIER',
  ...extra,
});
const listing = (...versions: ListedVersion[]) => {
  const byKey = new Map<string, ListedVersion[]>();
  for (const v of versions) byKey.set(v.key, [...(byKey.get(v.key) ?? []), v]);
  return byKey;
};
const withSidecar = (v: ListedVersion) => [v, version(`${v.key}.xmp`, { storageClass: 'STANDARD', etag: 'x' })];

describe('what an audit finds from a listing', () => {
  test('a file listed as the version verified, in its class, with its sidecar: nothing found, no HEAD needed', () => {
    const a = image('a');
    const result = albumFindings(manifest(a), listing(...withSidecar(version(a.s3Key))), { locked: false });
    expect(result).toEqual({ findings: [], headNeeded: [] });
  });

  test('each change is named once, with its album: deleted, written over, moved by a copy or by lifecycle, sidecar gone', () => {
    const [gone, marker, rewritten, copied, transitioned, bare] = [
      'gone',
      'marker',
      'rewritten',
      'copied',
      'moved',
      'bare',
    ].map((n) => image(n));
    const versions = listing(
      version(`${gone.s3Key}.xmp`, { storageClass: 'STANDARD' }),
      ...withSidecar(version(marker.s3Key, { isLatest: false })),
      version(marker.s3Key, { versionId: 'dm', deleteMarker: true, size: undefined, etag: undefined }),
      ...withSidecar(version(rewritten.s3Key, { versionId: 'v-new', etag: 'other', size: 90 })),
      ...withSidecar(version(copied.s3Key, { versionId: 'v-copy', storageClass: 'STANDARD_IA' })),
      ...withSidecar(version(transitioned.s3Key, { storageClass: 'DEEP_ARCHIVE' })),
      version(bare.s3Key),
    );
    const { findings, headNeeded } = albumFindings(
      manifest(gone, marker, rewritten, copied, transitioned, bare),
      versions,
      {
        locked: false,
      },
    );
    expect(headNeeded).toEqual([]);
    expect(findings.map((f) => [f.kind, f.object, f.fileName, f.albumKey, f.album])).toEqual([
      ['missing', 'original', 'gone.jpg', 'ALB', 'Travel / Trip'],
      ['missing', 'original', 'marker.jpg', 'ALB', 'Travel / Trip'],
      ['overwritten', 'original', 'rewritten.jpg', 'ALB', 'Travel / Trip'],
      ['changed-class', 'original', 'copied.jpg', 'ALB', 'Travel / Trip'],
      ['changed-class', 'original', 'moved.jpg', 'ALB', 'Travel / Trip'],
      ['missing', 'sidecar', 'bare.jpg', 'ALB', 'Travel / Trip'],
    ]);
    expect(findings[3].detail).toBe('storage class STANDARD_IA, verified in GLACIER (by a copy: version v-copy)');
    expect(findings[4].detail).toBe('storage class DEEP_ARCHIVE, verified in GLACIER');
  });

  test('unversioned: size and ETag decide; a manifest without ETag, or a locked bucket, asks HeadObject', () => {
    const plain = image('plain', { versionId: 'null' });
    const old = image('old', { versionId: undefined, etag: undefined, storageClass: undefined });
    const versions = listing(
      ...withSidecar(version(plain.s3Key, { versionId: 'null', etag: 'changed' })),
      ...withSidecar(version(old.s3Key, { versionId: 'null' })),
    );
    const unlocked = albumFindings(manifest(plain, old), versions, { locked: false });
    expect(unlocked.findings.map((f) => [f.kind, f.detail])).toEqual([
      ['overwritten', 'ETag changed, verified etag-plain'],
    ]);
    expect(unlocked.headNeeded.map((h) => h.image.fileName)).toEqual(['old.jpg']);
    const a = image('a');
    expect(
      albumFindings(manifest(a), listing(...withSidecar(version(a.s3Key))), { locked: true }).headNeeded,
    ).toHaveLength(1);
  });

  test('from a HEAD: a stored checksum other than the recorded one; a lock that no longer holds', () => {
    const now = new Date('2026-12-06T00:00:00Z');
    const a = image('a');
    expect(headFindings(a, { checksum: 'AAAAAA==' }, { locked: false, now })).toEqual([]);
    expect(headFindings(a, { checksum: 'BBBBBB==' }, { locked: false, now })).toEqual([
      { kind: 'checksum-differs', detail: 'stored checksum BBBBBB==, recorded AAAAAA==' },
    ]);
    expect(
      headFindings(a, { checksum: 'AAAAAA==', retainUntil: new Date('2027-01-01T00:00:00Z') }, { locked: true, now }),
    ).toEqual([]);
    expect(headFindings(a, { checksum: 'AAAAAA==', legalHold: 'ON' }, { locked: true, now })).toEqual([]);
    expect(
      headFindings(a, { checksum: 'AAAAAA==', retainUntil: new Date('2026-12-01T00:00:00Z') }, { locked: true, now }),
    ).toEqual([{ kind: 'lock-gone', detail: 'retention ended 2026-12-01T00:00:00.000Z' }]);
  });
});
