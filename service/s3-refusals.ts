import { S3ServiceException } from '@aws-sdk/client-s3';
import { notFound, Refusal } from './refusals';

/**
 * S3 asked on a person's behalf (the archive's pages, shares): a bucket that is not there is not
 * found, one the service may not read refused, and S3 not answering unavailable. Anything else is
 * thrown on as it is. A refusal passes through.
 */
export async function askS3<T>(bucket: string, ask: () => Promise<T>): Promise<T> {
  try {
    return await ask();
  } catch (err) {
    if (err instanceof Refusal || !(err instanceof Error)) throw err;
    if (err instanceof S3ServiceException) {
      if (err.name === 'NoSuchBucket') throw notFound(`Bucket ${bucket}`);
      if (err.name === 'AccessDenied' || err.$metadata?.httpStatusCode === 403)
        throw new Refusal('unprocessable', `S3 refused access to bucket ${bucket} for the service's credentials`);
      if ((err.$metadata?.httpStatusCode ?? 0) >= 500)
        throw new Refusal('unavailable', `S3 did not answer about bucket ${bucket}: try again in a moment`);
      throw err;
    }
    if (
      /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EAI_AGAIN|socket hang up/.test(
        `${err.message} ${(err as { code?: string }).code ?? ''}`,
      )
    )
      throw new Refusal('unavailable', `S3 did not answer about bucket ${bucket}: try again in a moment`);
    throw err;
  }
}
