import { z } from 'zod';
import { PayloadEncryptionKeys } from '../encryption/payload-codec';

/** The payload codec's AES-256 keys (encryption/payload-codec.ts): the same for workers, the API and every client. */
export const PayloadKeySettings = z.object({ PAYLOAD_ENCRYPTION_KEYS: PayloadEncryptionKeys });
export type PayloadKeySettings = z.infer<typeof PayloadKeySettings>;
