import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';

function errorResponse(status: number, code: string, message: string) {
  return new HTTPException(status as 400, { res: Response.json({ error: { code, message } }, { status }) });
}

export const notFound = (what: string) => errorResponse(404, 'not_found', `${what} not found`);
export const conflict = (message: string) => errorResponse(409, 'conflict', message);

function innermost(err: unknown): string {
  let e = err as { message?: string; cause?: unknown };
  while (e?.cause) e = e.cause as typeof e;
  return e?.message ?? String(err);
}

/**
 * What a Temporal error means to a caller: an unknown id is 404, a refused update or a closed run
 * 409, an unreachable server 503 (a real outage, said so). Anything else is rethrown.
 */
export function httpErrorOf(err: unknown, what: string): HTTPException {
  // Hono's own refusals (a body that is not JSON…) come as text: every answer of this API is JSON.
  if (err instanceof HTTPException) return err.res ? err : errorResponse(err.status, err.status === 400 ? 'invalid_request' : 'http_error', err.message);
  if (err instanceof WorkflowNotFoundError) return notFound(what);
  if (err instanceof WorkflowUpdateFailedError) return conflict(innermost(err));
  if (err instanceof WorkflowExecutionAlreadyStartedError) return conflict(`${what} already exists`);
  const message = String((err as Error)?.message ?? err);
  if (/workflow execution already completed|already completed/i.test(message)) return conflict(`${what} has finished: it takes no more requests`);
  if (/not found/i.test(message) && /workflow/i.test(message)) return notFound(what);
  if (/no poller|no worker/i.test(message)) {
    return errorResponse(503, 'no_worker', 'No worker is running to answer for this migration: start one (npm run worker), then ask again');
  }
  if (/UNAVAILABLE|ECONNREFUSED|connect|deadline exceeded|DEADLINE_EXCEEDED/i.test(message)) {
    return errorResponse(503, 'temporal_unavailable', 'The Temporal server is unreachable: the request was not carried out, try again later');
  }
  return errorResponse(500, 'internal', message);
}
