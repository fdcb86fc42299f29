import { HTTPException } from 'hono/http-exception';
import { Refusal, type RefusalCode } from '../service/refusals';
import { refusalOf } from '../service/temporal-refusals';

/** The HTTP status of each kind of refusal, for the JSON API and the pages alike. */
const STATUS: Record<RefusalCode, 400 | 404 | 409 | 410 | 422 | 503> = {
  invalid_request: 400,
  not_found: 404,
  gone: 410,
  conflict: 409,
  unprocessable: 422,
  unavailable: 503,
  no_worker: 503,
  temporal_unavailable: 503,
};

/** What went wrong as an HTTP answer: its status, and the error body every JSON answer of the API has. */
export interface Problem {
  status: number;
  body: {
    error: { code: string; message: string; issues?: Array<{ field: string; problem: string }>; runningId?: string };
  };
}

/**
 * Any error of a request as an HTTP problem: a refusal by its kind, Hono's own refusals (a body that
 * is not JSON…) as a 400 or their status, a Temporal error as what it means (`what` names the thing
 * asked about), anything else a 500 with its message.
 */
export function problemOf(err: unknown, what: string): Problem {
  if (err instanceof HTTPException)
    return {
      status: err.status,
      body: { error: { code: err.status === 400 ? 'invalid_request' : 'http_error', message: err.message } },
    };
  const refusal = refusalOf(err, what);
  if (refusal instanceof Refusal)
    return {
      status: STATUS[refusal.code],
      body: { error: { code: refusal.code, message: refusal.message, ...refusal.details } },
    };
  return { status: 500, body: { error: { code: 'internal', message: String((err as Error)?.message ?? err) } } };
}
