import {
  ApplicationFailure,
  ScheduleAlreadyRunning,
  ScheduleNotFoundError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import { type ErrorType, ErrorTypes } from '../common/error-types';

function errorResponse(status: number, code: string, message: string, extra: Record<string, unknown> = {}) {
  return new HTTPException(status as 400, { res: Response.json({ error: { code, message, ...extra } }, { status }) });
}

export const notFound = (what: string) => errorResponse(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => errorResponse(409, 'conflict', message);
export const alreadyMigrating = (account: string, runningId: string) =>
  errorResponse(409, 'conflict', `Account ${account} is already migrating`, { runningId });
export const noWorker = () =>
  errorResponse(
    503,
    'no_worker',
    'No worker is running to answer for this migration: start one (npm run worker), then ask again',
  );

function innermost(err: unknown): unknown {
  let e = err as { cause?: unknown };
  while (e?.cause) e = e.cause as typeof e;
  return e;
}

/** A target the worker cannot use: the request is well formed, but there is nothing to migrate to (or from). */
const TARGET_UNUSABLE: ErrorType[] = ['BucketMissing', 'BucketAccessDenied', 'WrongAccount', 'SmugMugAuthError'];

/** What a failure of the service's own type means to a caller (common/error-types.ts). */
function byFailureType(failure: ApplicationFailure): HTTPException {
  const type = failure.type as ErrorType;
  if (type === 'AlreadyMigrating') {
    return errorResponse(409, 'conflict', failure.message, { runningId: failure.details?.[0] as string | undefined });
  }
  if (TARGET_UNUSABLE.includes(type)) {
    return errorResponse(422, 'unprocessable', failure.message);
  }
  if (ErrorTypes[type] === 'transient')
    return errorResponse(503, 'unavailable', `${failure.message}: try again in a moment`);
  return conflict(failure.message);
}

/**
 * What a Temporal error means to a caller, by the errors' types: an unknown id is 404, a refused
 * update 409 (or what its failure type says), an unreachable server 503. Anything else is a 500.
 */
export function httpErrorOf(err: unknown, what: string): HTTPException {
  // Hono's own refusals (a body that is not JSON…) come as text: every answer of this API is JSON.
  if (err instanceof HTTPException)
    return err.res
      ? err
      : errorResponse(err.status, err.status === 400 ? 'invalid_request' : 'http_error', err.message);
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
  if (code === 3) return errorResponse(400, 'invalid_request', message);
  // gRPC status codes: 3 INVALID_ARGUMENT (above), 5 NOT_FOUND, 9 FAILED_PRECONDITION (the run has closed), 4 DEADLINE_EXCEEDED, 14 UNAVAILABLE.
  if (code === 5) return notFound(what);
  if (code === 9 || /workflow execution already completed/i.test(message))
    return conflict(`${what} has finished: it takes no more requests`);
  if (code === 14 || code === 4) {
    return errorResponse(
      503,
      'temporal_unavailable',
      'The Temporal server is unreachable: the request was not carried out, try again later',
    );
  }
  return errorResponse(500, 'internal', message);
}
