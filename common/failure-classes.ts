import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { errorType, type ErrorType, ErrorTypes } from './error-types';

/**
 * Which class a raw failure belongs to (error-types.ts: permanent, transient, repeatable), and what
 * it becomes after a number of attempts. The worker applies it to every activity
 * (worker/failure-policy.ts); a batch of files keeps an outage's type with it.
 */

/**
 * Attempts of a repeatable failure (bytes that differ, a short download, an unexpected answer)
 * before it is final: enough to ride out a flaky transfer, few enough that a person hears of a
 * real problem within minutes. Outages are not counted: they retry as long as they last.
 */
export const REPEATABLE_ATTEMPTS = 8;
/** A large file resumes at its next part on every attempt, so a flaky link gets more of them. */
export const LARGE_FILE_REPEATABLE_ATTEMPTS = 20;

/** Socket-level errors of Node, undici and the AWS SDK: the other side is down or unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);
/** S3's own words for "busy or down, try again". */
const S3_TRANSIENT_NAMES = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'TimeoutError',
  'ThrottlingException',
  'RequestTimeTooSkewed',
]);

interface ErrorShape {
  name?: string;
  code?: string;
  message?: string;
  cause?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** The transient type of a raw error (an outage), or undefined when it is not one. */
export function transientTypeOf(err: unknown): ErrorType | undefined {
  if (err instanceof ApplicationFailure)
    return err.type && ErrorTypes[err.type as ErrorType] === 'transient' ? (err.type as ErrorType) : undefined;
  for (
    let e = err as ErrorShape | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as ErrorShape | undefined, depth++
  ) {
    const status = e.$metadata?.httpStatusCode;
    if ((status !== undefined && (status >= 500 || status === 429)) || S3_TRANSIENT_NAMES.has(e.name ?? ''))
      return 'S3Unavailable';
    if (
      NETWORK_CODES.has(e.code ?? '') ||
      /socket hang up|fetch failed|other side closed|ECONNREFUSED|ECONNRESET/.test(e.message ?? '')
    ) {
      return e.$metadata ? 'S3Unavailable' : 'SmugMugUnavailable';
    }
  }
  return undefined;
}

/**
 * What an activity's failure becomes: permanent ones stay final, outages are retried (with the
 * workflow's capped backoff, no attempt limit), anything else is retried until `maxAttempts`
 * and then made final with its message, so no album waits forever on a file that never copies.
 */
export function classifyFailure(err: unknown, attempt: number, maxAttempts: number): unknown {
  if (err instanceof CancelledFailure) return err;
  if (err instanceof ApplicationFailure && (err.nonRetryable || ErrorTypes[err.type as ErrorType] === 'permanent'))
    return err;
  const transient = transientTypeOf(err);
  const message = (err as Error)?.message ?? String(err);
  if (transient)
    return err instanceof ApplicationFailure
      ? err
      : ApplicationFailure.create({ message, type: transient, cause: err as Error });
  if (attempt < maxAttempts) return err;
  return ApplicationFailure.create({
    message: `${message} (failed ${attempt} times; final)`,
    type: errorType('RepeatedFailure'),
    nonRetryable: true,
    cause: err as Error,
  });
}
