import type { Payload } from '@temporalio/common';
import { AesGcmPayloadCodec, newPayloadKeySpec, parsePayloadKeys } from '../../encryption/payload-codec';

const json = (value: unknown): Payload => ({
  metadata: { encoding: Buffer.from('json/plain') },
  data: Buffer.from(JSON.stringify(value)),
});
const text = (p: Payload) => Buffer.from(p.data!).toString();

describe('the payload codec', () => {
  const old = newPayloadKeySpec('k1');
  const current = newPayloadKeySpec('k2');
  const codec = new AesGcmPayloadCodec(parsePayloadKeys(old));

  test('encrypts each payload whole (metadata too), naming the key; decoding gives it back', async () => {
    const [sealed] = await codec.encode([json({ fileName: 'IMG_0001.JPG' })]);
    expect(Buffer.from(sealed.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(Buffer.from(sealed.metadata!['encryption-key-id']!).toString()).toBe('k1');
    expect(Buffer.from(sealed.data!).includes('IMG_0001')).toBe(false);
    expect(Buffer.from(sealed.data!).includes('json/plain')).toBe(false);
    const [opened] = await codec.decode([sealed]);
    expect(text(opened)).toBe('{"fileName":"IMG_0001.JPG"}');
    expect(Buffer.from(opened.metadata!.encoding!).toString()).toBe('json/plain');
    // A fresh IV each time: equal values do not give equal ciphertexts.
    const [again] = await codec.encode([json({ fileName: 'IMG_0001.JPG' })]);
    expect(Buffer.from(again.data!).equals(Buffer.from(sealed.data!))).toBe(false);
  });

  test('after a rotation the new key encrypts and the old one still decrypts', async () => {
    const [before] = await codec.encode([json('before')]);
    const rotated = new AesGcmPayloadCodec(parsePayloadKeys(`${current},${old}`));
    const [after] = await rotated.encode([json('after')]);
    expect(Buffer.from(after.metadata!['encryption-key-id']!).toString()).toBe('k2');
    expect((await rotated.decode([before, after])).map(text)).toEqual(['"before"', '"after"']);
    await expect(codec.decode([after])).rejects.toThrow(/key "k2", which PAYLOAD_ENCRYPTION_KEYS does not hold/);
  });

  test('a payload changed in storage is refused, not decoded into something else', async () => {
    const [sealed] = await codec.encode([json({ approvedBy: 'Jane' })]);
    const tampered = Buffer.from(sealed.data!);
    tampered[20] ^= 1;
    await expect(codec.decode([{ ...sealed, data: tampered }])).rejects.toThrow();
  });

  test('payloads written before encryption pass through, so old histories still read', async () => {
    expect((await codec.decode([json('plain')])).map(text)).toEqual(['"plain"']);
  });
});
