import { createCipheriv, createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import jpeg from 'jpeg-js';

/** A generated original on disk, with the size and MD5 SmugMug reports for it. */
export interface MediaFile {
  path: string;
  size: number;
  md5: string;
}

const CHUNK = 1024 * 1024;
const JPEG_SEGMENT_DATA_MAX = 65533; // a JPEG segment length field counts itself and tops out at 65535

/** Deterministic filler bytes: an AES-CTR keystream keyed by the file's seed (fast and incompressible). */
function fillerStream(seed: string) {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  return (length: number): Buffer => cipher.update(length === CHUNK ? zeros : Buffer.alloc(length));
}

/** Writes `parts` (buffers, or filler byte counts) to `path`, hashing on the way, with bounded memory. */
async function writeHashed(path: string, seed: string, parts: Array<Buffer | number>): Promise<MediaFile> {
  const out = createWriteStream(path);
  const md5 = createHash('md5');
  const filler = fillerStream(seed);
  let size = 0;
  const write = async (buf: Buffer) => {
    md5.update(buf);
    size += buf.length;
    if (!out.write(buf)) await once(out, 'drain');
  };
  for (const part of parts) {
    if (Buffer.isBuffer(part)) {
      await write(part);
      continue;
    }
    for (let left = part; left > 0; left -= CHUNK) await write(filler(Math.min(CHUNK, left)));
  }
  out.end();
  await once(out, 'finish');
  return { path, size, md5: md5.digest('hex') };
}

const PICTURE_VARIANTS = 32;
const basePictures = new Map<number, Buffer>();

/**
 * A small real picture in one of a few colourings (encoding is slow in pure JS, so each is made once
 * per process); every file still differs by the comment segment naming its seed.
 */
function encodeBaseJpeg(seed: string, width: number, height: number): Buffer {
  const variant = createHash('sha256').update(seed).digest().readUInt32LE(0) % PICTURE_VARIANTS;
  const known = basePictures.get(variant);
  if (known) return known;
  const h = createHash('sha256').update(`variant-${variant}`).digest();
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (h[0] + x * 2) & 0xff;
      data[i + 1] = (h[1] + y * 3) & 0xff;
      data[i + 2] = (h[2] + x + y) & 0xff;
      data[i + 3] = 0xff;
    }
  }
  const encoded = jpeg.encode({ data, width, height }, 80).data;
  basePictures.set(variant, encoded);
  return encoded;
}

function commentSegment(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const header = Buffer.from([0xff, 0xfe, 0, 0]);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([header, body]);
}

/**
 * A real JPEG of about `targetSize` bytes: a small decodable picture, padded with APP15 segments
 * (which every decoder skips) so file sizes can be anything a test or benchmark wants.
 */
export async function writeJpeg(path: string, seed: string, targetSize: number): Promise<MediaFile> {
  const picture = encodeBaseJpeg(seed, 96, 64);
  const comment = commentSegment(`smugmug-sandbox ${seed}`);
  const parts: Array<Buffer | number> = [picture.subarray(0, 2), comment];
  let padding = Math.max(0, targetSize - picture.length - comment.length);
  if (padding > 0 && padding < 4) padding = 4;
  while (padding > 0) {
    const data = Math.min(JPEG_SEGMENT_DATA_MAX, padding - 4);
    const header = Buffer.from([0xff, 0xef, 0, 0]);
    header.writeUInt16BE(data + 2, 2);
    parts.push(header, data);
    padding -= data + 4;
  }
  parts.push(picture.subarray(2));
  return writeHashed(path, `${seed}/jpeg`, parts);
}

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + body.length, 0);
  header.write(type, 4, 'latin1');
  return Buffer.concat([header, body]);
}

function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  const vf = Buffer.alloc(4);
  vf.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
  return box(type, vf, ...payload);
}

function uint32s(...values: number[]): Buffer {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
}

/** The movie header boxes of an MP4 with one video track, so parsers see a real container. */
function mp4Header(durationMs: number, width: number, height: number): Buffer {
  const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), uint32s(0x200), Buffer.from('isomiso2avc1mp41', 'latin1'));
  const matrix = uint32s(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    uint32s(0, 0, 1000, durationMs, 0x10000),
    Buffer.from([1, 0]),
    Buffer.alloc(10),
    matrix,
    Buffer.alloc(24),
    uint32s(2),
  );
  const tkhd = fullBox(
    'tkhd',
    0,
    3,
    uint32s(0, 0, 1, 0, durationMs),
    Buffer.alloc(8),
    Buffer.alloc(8),
    matrix,
    uint32s(width << 16, height << 16),
  );
  const mdhd = fullBox('mdhd', 0, 0, uint32s(0, 0, 1000, durationMs), Buffer.from([0x55, 0xc4, 0, 0]));
  const hdlr = fullBox(
    'hdlr',
    0,
    0,
    uint32s(0),
    Buffer.from('vide', 'latin1'),
    Buffer.alloc(12),
    Buffer.from('VideoHandler\0', 'latin1'),
  );
  const vmhd = fullBox('vmhd', 0, 1, Buffer.alloc(8));
  const dinf = box('dinf', fullBox('dref', 0, 0, uint32s(1), fullBox('url ', 0, 1)));
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, uint32s(0)),
    fullBox('stts', 0, 0, uint32s(0)),
    fullBox('stsc', 0, 0, uint32s(0)),
    fullBox('stsz', 0, 0, uint32s(0, 0)),
    fullBox('stco', 0, 0, uint32s(0)),
  );
  const trak = box('trak', tkhd, box('mdia', mdhd, hdlr, box('minf', vmhd, dinf, stbl)));
  return Buffer.concat([ftyp, box('moov', mvhd, trak)]);
}

/**
 * A real MP4 container (ftyp, moov with a video track, mdat) of about `targetSize` bytes; with
 * `withoutMoov`, a damaged upload as cameras leave it when recording stops abruptly: ftyp and mdat only.
 */
export async function writeMp4(
  path: string,
  seed: string,
  targetSize: number,
  opts: { withoutMoov?: boolean } = {},
): Promise<MediaFile> {
  const full = mp4Header(10_000, 1920, 1080);
  const header = opts.withoutMoov ? full.subarray(0, full.readUInt32BE(0)) : full;
  const mdatPayload = Math.max(0, targetSize - header.length - 16);
  // A 64-bit mdat size keeps files over 4 GiB valid.
  const mdatHeader = Buffer.alloc(16);
  mdatHeader.writeUInt32BE(1, 0);
  mdatHeader.write('mdat', 4, 'latin1');
  mdatHeader.writeBigUInt64BE(BigInt(16 + mdatPayload), 8);
  return writeHashed(path, `${seed}/mp4`, [header, mdatHeader, mdatPayload]);
}

/**
 * A RAW file as cameras write them: a TIFF container (little-endian header, one IFD naming its
 * size and a RAW-ish compression), then sensor-like filler up to `targetSize` bytes.
 */
export async function writeRawTiff(path: string, seed: string, targetSize: number): Promise<MediaFile> {
  const entries: Array<[tag: number, type: number, value: number]> = [
    [0x0100, 4, 96], // ImageWidth
    [0x0101, 4, 64], // ImageLength
    [0x0103, 3, 34892], // Compression: a lossy-JPEG DNG tag value, as RAW containers carry
  ];
  const ifd = Buffer.alloc(2 + entries.length * 12 + 4);
  ifd.writeUInt16LE(entries.length, 0);
  entries.forEach(([tag, type, value], i) => {
    const at = 2 + i * 12;
    ifd.writeUInt16LE(tag, at);
    ifd.writeUInt16LE(type, at + 2);
    ifd.writeUInt32LE(1, at + 4);
    if (type === 3) ifd.writeUInt16LE(value, at + 8);
    else ifd.writeUInt32LE(value, at + 8);
  });
  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]);
  return writeHashed(path, seed, [header, ifd, Math.max(0, targetSize - header.length - ifd.length)]);
}
