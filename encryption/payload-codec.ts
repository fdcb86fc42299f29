import { type Payload, type PayloadCodec, ValueError } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { z } from 'zod';

const ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Named AES-256 keys; the first encrypts, all decrypt (so a key can be rotated without losing old histories). */
export interface PayloadKeys {
  current: string;
  keys: Map<string, Buffer>;
}

/**
 * `PAYLOAD_ENCRYPTION_KEYS`: `id=base64key[,id=base64key…]`, each key 32 random bytes
 * (`openssl rand -base64 32`). The first one encrypts new payloads.
 */
export function parsePayloadKeys(spec: string | undefined): PayloadKeys {
  if (!spec?.trim())
    throw new Error(
      'PAYLOAD_ENCRYPTION_KEYS is required: "id=<base64 of 32 random bytes>" (make one with `openssl rand -base64 32`)',
    );
  const keys = new Map<string, Buffer>();
  for (const item of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z0-9._-]{1,64})=([A-Za-z0-9+/=]+)$/.exec(item);
    if (!match)
      throw new Error(
        'PAYLOAD_ENCRYPTION_KEYS: each entry is id=<base64 key>, ids of letters, digits, ".", "_" or "-"',
      );
    const key = Buffer.from(match[2], 'base64');
    if (key.length !== 32)
      throw new Error(`PAYLOAD_ENCRYPTION_KEYS: key "${match[1]}" is ${key.length} bytes; AES-256 needs 32`);
    if (keys.has(match[1])) throw new Error(`PAYLOAD_ENCRYPTION_KEYS: key id "${match[1]}" appears twice`);
    keys.set(match[1], key);
  }
  return { current: [...keys.keys()][0], keys };
}

/** PAYLOAD_ENCRYPTION_KEYS in a configuration schema: refused at start when missing or malformed. */
export const PayloadEncryptionKeys = z
  .string({
    error:
      'PAYLOAD_ENCRYPTION_KEYS is required: "id=<base64 of 32 random bytes>" (make one with `openssl rand -base64 32`)',
  })
  .superRefine((spec, ctx) => {
    try {
      parsePayloadKeys(spec);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

/** The key material of a PAYLOAD_ENCRYPTION_KEYS value, for log redaction. */
export function payloadKeySecrets(spec: string): string[] {
  return spec
    .split(',')
    .map((entry) => entry.split('=').slice(1).join('='))
    .filter(Boolean);
}

/** A new random key entry for PAYLOAD_ENCRYPTION_KEYS, for local stacks and tests. */
export function newPayloadKeySpec(id = 'local'): string {
  return `${id}=${randomBytes(32).toString('base64')}`;
}

/**
 * Encrypts every payload (the whole Payload message, metadata included) with AES-256-GCM and
 * names the key in the clear, so the Temporal server and anyone reading its database see only
 * ciphertext. Payloads not encrypted by this codec (histories from before it) pass through.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keys: PayloadKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const key = this.keys.keys.get(this.keys.current)!;
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([
        iv,
        cipher.update(temporal.api.common.v1.Payload.encode(payload).finish()),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      return { metadata: { encoding: Buffer.from(ENCODING), [KEY_ID]: Buffer.from(this.keys.current) }, data: sealed };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (Buffer.from(payload.metadata?.encoding ?? []).toString() !== ENCODING) return payload;
      const keyId = Buffer.from(payload.metadata?.[KEY_ID] ?? []).toString();
      const key = this.keys.keys.get(keyId);
      if (!key)
        throw new ValueError(`A payload is encrypted with key "${keyId}", which PAYLOAD_ENCRYPTION_KEYS does not hold`);
      const sealed = Buffer.from(payload.data ?? []);
      if (sealed.length < IV_BYTES + TAG_BYTES) throw new ValueError('An encrypted payload is too short to be genuine');
      const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}
