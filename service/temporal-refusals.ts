import {
  ApplicationFailure,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { type ErrorType, ErrorTypes } from '../common/error-types';
import { conflict, notFound, noWorker, Refusal } from './refusals';

function innermost(err: unknown): unknown {
  let e = err as { cause?: unknown };
  while (e?.cause) e = e.cause as typeof e;
  return e;
}

/** A target the worker cannot use: the request is well formed, but there is nothing to migrate to (or from). */
const TARGET_UNUSABLE: ErrorType[] = [
  'BucketMissing',
  'BucketAccessDenied',
  'StorageClassUnsupported',
  'ReplicaNotConfigured',
  'WrongAccount',
  'SmugMugAuthError',
];

/** What a failure of the service's own type means to the person who asked (common/error-types.ts). */
function byFailureType(failure: ApplicationFailure): Refusal {
  const type = failure.type as ErrorType;
  if (type === 'AlreadyMigrating')
    return new Refusal('conflict', failure.message, { runningId: failure.details?.[0] as string | undefined });
  if (TARGET_UNUSABLE.includes(type)) return new Refusal('unprocessable', failure.message);
  if (ErrorTypes[type] === 'transient') return new Refusal('unavailable', `${failure.message}: try again in a moment`);
  return conflict(failure.message);
}

/**
 * What a Temporal error means to the person who asked: an unknown id is not found, a refused update
 * a conflict (or what its failure type says), an unreachable server unavailable. A refusal passes
 * as it is; anything else is not a refusal but a fault, thrown as it came.
 */
export function refusalOf(err: unknown, what: string): Refusal | unknown {
  if (err instanceof Refusal) return err;
  if (err instanceof WorkflowNotFoundError || err instanceof ScheduleNotFoundError) return notFound(what);
  if (err instanceof ScheduleAlreadyRunning) return conflict(`${what} already exists: delete it first, or change it`);
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = innermost(err);
    return cause instanceof ApplicationFailure
      ? byFailureType(cause)
      : conflict(String((cause as Error)?.message ?? err.message));
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) return conflict(`${what} already exists`);
  const code = (err as { code?: number })?.code;
  const message = String((err as Error)?.message ?? err);
  if (/no poller|no worker/i.test(message)) return noWorker();
  // The server refused what the caller asked for (a cron expression it cannot read…): bad input, said as such.
  if (code === 3) return new Refusal('invalid_request', message);
  // gRPC status codes: 3 INVALID_ARGUMENT (above), 5 NOT_FOUND, 9 FAILED_PRECONDITION (the run has closed), 4 DEADLINE_EXCEEDED, 14 UNAVAILABLE.
  if (code === 5) return notFound(what);
  if (code === 9 || /workflow execution already completed/i.test(message))
    return conflict(`${what} has finished: it takes no more requests`);
  if (code === 14 || code === 4)
    return new Refusal(
      'temporal_unavailable',
      'The Temporal server is unreachable: the request was not carried out, try again later',
    );
  return err;
}

/**
 * A schedule's creation, refused as bad input when Temporal cannot read its times: the SDK turns
 * the server's "Invalid schedule spec" (a cron whose fields are out of range) into a TypeError.
 */
export function scheduleSpecRefused(err: unknown): never {
  if (err instanceof TypeError)
    throw new Refusal('invalid_request', `Temporal cannot read the schedule's times: ${err.message}`);
  throw err;
}

/** Runs a call to Temporal, its errors turned into refusals about `what` (see `refusalOf`). */
export async function askTemporal<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw refusalOf(err, what);
  }
}
