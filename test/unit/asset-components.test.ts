import { xmpSidecar } from '../../metadata/xmp-sidecar';
import { otherComponents } from '../../smugmug/asset-components';
import { AssetComponent, mayHaveOtherComponents } from '../../smugmug/schemas';
import { type FileCheck, heldItemsOf, type PlanEntry } from '../../state/documents';

const jpeg = { FileName: 'P1055113.jpg', Format: 'JPG', IsVideo: false };
const rawComponent = AssetComponent.parse({
  ComponentType: 'svi',
  ComponentKey: 'k3Yx9',
  Extension: 'RW2',
  FileName: 'P1055113.rw2',
  FileSize: 20067328,
  MD5: 'ABCDEF0123456789ABCDEF0123456789',
  DownloadUrl: 'https://www.smugmug.com/smugvault/P1055113.rw2',
});

describe('which images have other components (ComponentFileTypes, read broadly)', () => {
  test.each([
    [{ Image: ['jpg'] }, false],
    [{ Image: ['jpg'], Raw: ['rw2'] }, true],
    [{ Image: ['jpg', 'arw'] }, true],
    [{ Image: ['JPG', '.jpg'] }, false],
    [undefined, false],
  ])('%j → %s', (types, expected) => {
    expect(mayHaveOtherComponents({ ...jpeg, ComponentFileTypes: types })).toBe(expected);
  });
});

describe('the components planned beside an image', () => {
  test('a RAW is planned with its key, size and MD5 (lower case); the image’s own file is not', () => {
    const own = AssetComponent.parse({ ComponentType: 'svi', Extension: 'JPG', FileName: 'P1055113.jpg' });
    const unexpected: string[] = [];
    expect(otherComponents(jpeg, [own, rawComponent], (w) => unexpected.push(w))).toEqual([
      {
        id: 'k3Yx9',
        type: 'svi',
        extension: 'RW2',
        raw: true,
        fileName: 'P1055113.rw2',
        size: 20067328,
        md5: 'abcdef0123456789abcdef0123456789',
        url: 'https://www.smugmug.com/smugvault/P1055113.rw2',
      },
    ]);
    expect(unexpected).toEqual([]);
  });

  test('fields not known, another type and a bad MD5 are reported; the extension comes from the file name and the URL from Url when missing', () => {
    const odd = AssetComponent.parse({
      ComponentType: 'raw',
      ComponentKey: 'has spaces/and slashes',
      FileName: 'DSC0001.ARW',
      MD5: 'not-an-md5',
      Url: 'https://example.test/DSC0001.ARW',
      Colour: 'blue',
    });
    const unexpected: string[] = [];
    const [planned] = otherComponents(jpeg, [odd], (w) => unexpected.push(w));
    // A key unsafe in S3 keys gives way to the extension; no MD5 rather than a wrong one.
    expect(planned).toMatchObject({ id: 'ARW', extension: 'ARW', raw: true, md5: undefined });
    expect(planned.url).toBe('https://example.test/DSC0001.ARW');
    expect(unexpected).toEqual(
      expect.arrayContaining(['fields Colour', 'ComponentType raw', 'an MD5 that is not 32 hex digits']),
    );
  });

  test('a component of another kind is planned as such, not as a RAW', () => {
    const sidecar = AssetComponent.parse({ ComponentType: 'svi', Extension: 'XMP', FileName: 'P1055113.xmp' });
    expect(otherComponents(jpeg, [sidecar], () => undefined)).toEqual([
      expect.objectContaining({ extension: 'XMP', raw: false, url: undefined }),
    ]);
  });
});

const entry = (overrides: Partial<PlanEntry>): PlanEntry => ({
  imageKey: 'IMG1',
  serial: 0,
  albumKey: 'ALB1',
  fileName: 'P1055113.jpg',
  key: 'p/Album/P1055113.jpg',
  source: 'original',
  url: 'https://example.test/P1055113.jpg',
  size: 100,
  md5: '0123456789abcdef0123456789abcdef',
  format: 'JPG',
  isVideo: false,
  present: false,
  metadata: { title: '', caption: '', keywords: [], hidden: false },
  ...overrides,
});
const raw = (unproven?: string) =>
  entry({
    fileName: 'P1055113.rw2',
    key: 'p/Album/P1055113.rw2',
    source: 'component',
    format: 'RW2',
    md5: unproven ? undefined : 'fedcba9876543210fedcba9876543210',
    component: { id: 'k3Yx9', type: 'svi', extension: 'RW2', raw: true, unproven },
  });
const check = (ok: boolean, component?: string): FileCheck => ({
  imageKey: 'IMG1',
  component,
  key: component ? 'p/Album/P1055113.rw2' : 'p/Album/P1055113.jpg',
  ok,
  problem: ok ? undefined : 'missing from the bucket',
});

describe('an image is held while its RAW is not safe', () => {
  const report = { held: [], unavailable: [] };
  test('JPEG and RAW verified: not held', () => {
    expect(heldItemsOf([entry({}), raw()], { ...report, results: [check(true), check(true, 'k3Yx9')] })).toEqual([]);
  });
  test('RAW missing, or never checked: held, saying so', () => {
    for (const results of [[check(true), check(false, 'k3Yx9')], [check(true)]])
      expect(heldItemsOf([entry({}), raw()], { ...report, results })).toEqual([
        expect.objectContaining({
          imageKey: 'IMG1',
          kind: 'component-not-safe',
          reason: expect.stringMatching(/^its RAW file was not copied/),
        }),
      ]);
  });
  test('RAW copied but without an MD5 from SmugMug: held with that reason', () => {
    const held = heldItemsOf([entry({}), raw('SmugMug gives no MD5 for it, so only its size was checked')], {
      ...report,
      results: [check(true), check(true, 'k3Yx9')],
    });
    expect(held).toEqual([
      expect.objectContaining({ reason: expect.stringContaining('cannot be proven identical: SmugMug gives no MD5') }),
    ]);
  });
  test('a RAW SmugMug offers no bytes for: held, the photo itself copied', () => {
    const held = heldItemsOf([entry({})], {
      held: [],
      unavailable: [
        {
          imageKey: 'IMG1',
          fileName: 'P1055113.rw2',
          reason: 'SmugMug gives no download URL for it',
          component: { id: 'k3Yx9', type: 'svi', extension: 'RW2', raw: true },
        },
      ],
      results: [check(true)],
    });
    expect(held).toEqual([
      expect.objectContaining({
        kind: 'component-not-safe',
        reason: 'its RAW file was not copied: SmugMug gives no download URL for it',
      }),
    ]);
  });
});

test('the photo’s sidecar names its RAW among its related files', () => {
  const xml = xmpSidecar(entry({}), ['P1055113.rw2']);
  expect(xml).toMatch(/<dc:relation>\s*<rdf:Bag>\s*<rdf:li>P1055113\.rw2<\/rdf:li>/);
  expect(xmpSidecar(entry({}))).not.toContain('dc:relation');
});
