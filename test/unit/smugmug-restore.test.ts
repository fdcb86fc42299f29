import { partName, partsFor, privacyFor, urlNameCandidates, urlNameFor } from '../../common/smugmug-restore';
import { imagePatchOf, keptAs, metadataDifferences, nameOnSmugMug } from '../../metadata/smugmug-fields';
import { AlbumImage } from '../../smugmug/schemas';
import type { AlbumManifest } from '../../state/documents';

type ArchivedImage = AlbumManifest['images'][number];

const archived = (over: Partial<ArchivedImage> = {}): ArchivedImage => ({
  imageKey: 'k1',
  serial: 0,
  fileName: 'Crème brûlée.jpg',
  s3Key: 'lib/a/Crème brûlée.jpg',
  size: 100,
  md5: '0'.repeat(32),
  source: 'original',
  identicalToOriginal: true,
  format: 'JPG',
  isVideo: false,
  verified: true,
  title: '東京タワー',
  caption: '夜景 — “Tokyo by night”',
  keywords: ['Tokyo, Japan', '東京'],
  hidden: true,
  latitude: 35.658581,
  longitude: 139.745433,
  altitude: -12.4,
  ...over,
});

describe('the way back: SmugMug names and limits', () => {
  test('UrlNames: the recorded one when SmugMug would take it, else from the name; ASCII, a capital or digit first, at most 60', () => {
    expect(urlNameFor('Album 1', 'Album-1')).toBe('Album-1');
    expect(urlNameFor('crème brûlée – 東京')).toBe('Creme-brulee');
    expect(urlNameFor('東京')).toBe('Album');
    expect(urlNameFor('2019 trip')).toBe('2019-trip');
    const long = urlNameFor('x'.repeat(100));
    expect(long).toHaveLength(60);
    expect(long[0]).toBe('X');
  });

  test('the next free UrlName: -2, -3…, cut to fit 60 characters', () => {
    const names = urlNameCandidates('Album-1');
    expect([names.next().value, names.next().value, names.next().value]).toEqual(['Album-1', 'Album-1-2', 'Album-1-3']);
    const long = urlNameCandidates('A'.repeat(60));
    long.next();
    expect(long.next().value).toBe(`${'A'.repeat(58)}-2`);
  });

  test('5,000 images an album: parts and their names; privacy never more public than recorded', () => {
    expect([partsFor(0), partsFor(5000), partsFor(5001), partsFor(15000)]).toEqual([1, 1, 2, 3]);
    expect([partName('Trip', 1), partName('Trip', 2)]).toEqual(['Trip', 'Trip (2)']);
    expect([
      privacyFor('Public'),
      privacyFor('Unlisted'),
      privacyFor('Private'),
      privacyFor(undefined),
      privacyFor('Odd'),
    ]).toEqual(['Public', 'Unlisted', 'Private', 'Private', 'Private']);
  });

  test('the metadata PATCH carries UTF-8 text and the exact keywords; a negative altitude becomes 0', () => {
    expect(imagePatchOf(archived())).toEqual({
      Title: '東京タワー',
      Caption: '夜景 — “Tokyo by night”',
      KeywordArray: ['Tokyo, Japan', '東京'],
      Hidden: true,
      Latitude: 35.658581,
      Longitude: 139.745433,
      Altitude: 0,
    });
    expect(
      imagePatchOf(archived({ latitude: undefined, longitude: undefined, altitude: undefined })),
    ).not.toHaveProperty('Latitude');
  });

  test('differences between an image on SmugMug and its archive, field by field', () => {
    const onSmugMug = AlbumImage.parse({
      ImageKey: 'n1',
      Uri: '/api/v2/image/n1-0',
      FileName: 'Crème brûlée.jpg',
      Title: '東京タワー',
      Caption: '夜景 — “Tokyo by night”',
      KeywordArray: ['Tokyo, Japan', '東京'],
      Hidden: true,
      Latitude: '35.65858100000000',
      Longitude: 139.745433,
      Altitude: 0,
    });
    expect(metadataDifferences(archived(), onSmugMug)).toEqual([]);
    expect(
      metadataDifferences(archived(), { ...onSmugMug, KeywordArray: ['Tokyo, Japan', '東京', 'creme'], Hidden: false }),
    ).toEqual(['keywords', 'hidden']);
    expect(metadataDifferences(archived({ title: 'other' }), { ...onSmugMug, Latitude: 1 })).toEqual(['title', 'GPS']);
  });

  test('how SmugMug keeps a file: photos as they are, HEIC converted to NAME.JPG, videos re-encoded', () => {
    expect(keptAs(archived())).toBe('as-is');
    expect(keptAs(archived({ fileName: 'IMG_1.HEIC' }))).toBe('converted');
    expect(nameOnSmugMug(archived({ fileName: 'IMG_1.HEIC' }))).toBe('IMG_1.JPG');
    expect(keptAs(archived({ fileName: 'clip.mov', isVideo: true }))).toBe('re-encoded');
    expect(nameOnSmugMug(archived({ fileName: 'clip.mov', isVideo: true }))).toBe('clip.mov');
  });
});
