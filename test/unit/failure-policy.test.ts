import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { classifyFailure, REPEATABLE_ATTEMPTS, transientTypeOf } from '../../common/failure-classes';
import { PERMANENT_ERROR_TYPES } from '../../common/error-types';

const s3Error = (name: string, status: number) =>
  Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } });
const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:9000`), { code });

describe('the failure policy of activities', () => {
  test('outages are transient, whatever the attempt: S3 503/SlowDown/5xx, 429, refused or reset sockets, SmugMug unavailable', () => {
    for (const err of [
      s3Error('SlowDown', 503),
      s3Error('InternalError', 500),
      s3Error('ServiceUnavailable', 503),
      Object.assign(new Error('x'), { $metadata: { httpStatusCode: 429 } }),
    ]) {
      expect(transientTypeOf(err)).toBe('S3Unavailable');
    }
    expect(transientTypeOf(new TypeError('fetch failed', { cause: socketError('ECONNREFUSED') }))).toBe(
      'SmugMugUnavailable',
    );
    expect(transientTypeOf(Object.assign(socketError('ECONNRESET'), { $metadata: {} }))).toBe('S3Unavailable');
    expect(transientTypeOf(ApplicationFailure.retryable('SmugMug GET failed 5 times', 'SmugMugUnavailable'))).toBe(
      'SmugMugUnavailable',
    );
    const after100 = classifyFailure(s3Error('SlowDown', 503), 100, REPEATABLE_ATTEMPTS) as ApplicationFailure;
    expect(after100).toBeInstanceOf(ApplicationFailure);
    expect(after100).toMatchObject({ type: 'S3Unavailable', nonRetryable: false });
  });

  test('permanent failures stay final at once; the retry policy lists exactly the permanent types', () => {
    const missing = ApplicationFailure.nonRetryable('Bucket "b" does not exist', 'BucketMissing');
    expect(classifyFailure(missing, 1, REPEATABLE_ATTEMPTS)).toBe(missing);
    expect(PERMANENT_ERROR_TYPES).toEqual(
      expect.arrayContaining([
        'SmugMugAuthError',
        'BucketMissing',
        'WrongAccount',
        'OriginalNotFound',
        'RepeatedFailure',
      ]),
    );
    expect(PERMANENT_ERROR_TYPES).not.toContain('SmugMugUnavailable');
    const cancelled = new CancelledFailure('cancelled');
    expect(classifyFailure(cancelled, 50, REPEATABLE_ATTEMPTS)).toBe(cancelled);
  });

  test('bytes that differ again and again are retried a few times, then final with their message', () => {
    const mismatch = ApplicationFailure.retryable(
      'IMG_1.JPG: copied bytes have MD5 aa, SmugMug says bb',
      'SourceMismatch',
    );
    expect(classifyFailure(mismatch, REPEATABLE_ATTEMPTS - 1, REPEATABLE_ATTEMPTS)).toBe(mismatch);
    const final = classifyFailure(mismatch, REPEATABLE_ATTEMPTS, REPEATABLE_ATTEMPTS) as ApplicationFailure;
    expect(final).toMatchObject({
      type: 'RepeatedFailure',
      nonRetryable: true,
      message: expect.stringContaining('SmugMug says bb (failed 8 times; final)'),
    });
    expect(
      classifyFailure(new Error('received 10 of 20 bytes'), REPEATABLE_ATTEMPTS, REPEATABLE_ATTEMPTS),
    ).toMatchObject({ nonRetryable: true });
  });
});
