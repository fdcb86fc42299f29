import { albumFilter } from '../../common/album-filter';
import { MediaProbe } from '../../transfer/media-probe';
import { albumFolderKey, fileNamesFor, safeSegment } from '../../s3/keys';

describe('S3 keys from SmugMug names', () => {
  test('names are NFC, without slashes or S3-unsafe characters, and fit the key limit', () => {
    expect(safeSegment('Crème'.normalize('NFD'), 'K')).toBe('Crème'.normalize('NFC'));
    expect(safeSegment('a/b\\c', 'K')).toBe('a_b_c');
    expect(safeSegment('50% off #1 {x}', 'K')).toBe('50_ off _1 _x_');
    expect(safeSegment('  ', 'KEY1234')).toBe('KEY1234');
    expect(safeSegment('..', 'KEY1234')).toBe('KEY1234');
    const long = safeSegment(`${'é'.repeat(300)}.jpg`, 'K');
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(180);
    expect(long.endsWith('.jpg')).toBe(true);
    expect(albumFolderKey('p', ['Travel', 'Q&A a/b'], 'K')).toBe('p/Travel/Q&A a_b');
    expect(albumFolderKey('', ['Album'], 'K')).toBe('Album');
  });

  test('colliding names stay apart, the earliest upload keeps the plain name, whatever the listing order', () => {
    const images = [
      { imageKey: 'CCC', fileName: 'IMG_1.JPG', uploaded: '2020-03-01' },
      { imageKey: 'AAA', fileName: 'IMG_1.JPG', uploaded: '2020-01-01' },
      { imageKey: 'BBB', fileName: 'img_1.jpg', uploaded: '2020-02-01' },
      { imageKey: 'DDD', fileName: 'Crème.jpg'.normalize('NFD') },
      { imageKey: 'EEE', fileName: 'Crème.jpg'.normalize('NFC') },
      { imageKey: 'FFF', fileName: 'album.json' },
    ];
    const names = fileNamesFor(images);
    expect(names.get('AAA')).toBe('IMG_1.JPG');
    expect(names.get('BBB')).toBe('img_1_BBB.jpg');
    expect(names.get('CCC')).toBe('IMG_1_CCC.JPG');
    expect(new Set([names.get('DDD'), names.get('EEE')]).size).toBe(2);
    expect(names.get('FFF')).toBe('album_FFF.json');
    expect(fileNamesFor([...images].reverse())).toEqual(names);
  });
});

describe('album filters', () => {
  const album = (path: string[], albumKey = 'KEY') => ({ albumKey, nodeId: 'N', name: path[path.length - 1], path });
  test('include and exclude patterns match folder paths or album keys; no include means all', () => {
    const all = albumFilter({ include: [], exclude: [] });
    expect(all(album(['Travel', 'Paris']))).toBe(true);
    const travel = albumFilter({ include: ['Travel/*'], exclude: ['*/Private*', 'SKIPME'] });
    expect(travel(album(['Travel', 'Paris']))).toBe(true);
    expect(travel(album(['Work', 'Paris']))).toBe(false);
    expect(travel(album(['Travel', 'Private trip']))).toBe(false);
    expect(travel(album(['Travel', 'Rome'], 'SKIPME'))).toBe(false);
  });
});

describe('media probe ("does it open")', () => {
  const feed = (format: string, bytes: Buffer, chunk: number) => {
    const probe = new MediaProbe(format, bytes.length);
    for (let i = 0; i < bytes.length; i += chunk) probe.update(bytes.subarray(i, i + chunk));
    return probe.finish();
  };
  const jpeg = Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 4, 1, 2, 0xff, 0xc0, 0, 4, 0, 0]),
    Buffer.alloc(10),
  ]);
  const box = (type: string, size: number) => {
    const b = Buffer.alloc(size);
    b.writeUInt32BE(size, 0);
    b.write(type, 4, 'latin1');
    return b;
  };

  test('a JPEG with a frame header opens, in whatever chunks it arrives; other bytes do not', () => {
    for (const chunk of [1, 3, 100]) expect(feed('JPG', jpeg, chunk)).toBeUndefined();
    expect(feed('JPG', Buffer.from('GIF89a....'), 4)).toMatch(/no SOI/);
    expect(feed('JPG', jpeg.subarray(0, 8), 2)).toMatch(/no frame header/);
  });

  test('an MP4 needs ftyp first, a moov, and boxes that fit in the file', () => {
    const mp4 = Buffer.concat([box('ftyp', 16), box('moov', 24), box('mdat', 100)]);
    for (const chunk of [1, 7, 1000]) expect(feed('MP4', mp4, chunk)).toBeUndefined();
    expect(feed('MP4', Buffer.concat([box('moov', 24), box('ftyp', 16)]), 5)).toMatch(/no ftyp/);
    expect(feed('MP4', Buffer.concat([box('ftyp', 16), box('mdat', 100)]).subarray(0, 60), 5)).toMatch(
      /runs past the end/,
    );
  });
});
