import type { DataConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, parsePayloadKeys } from './payload-codec';

export const failureConverterPath = require.resolve('./failure-converter');

/** The data converter every Temporal client and worker of this service uses: encrypted payloads and failures. */
export function encryptedDataConverter(keySpec: string | undefined): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(parsePayloadKeys(keySpec))], failureConverterPath };
}
