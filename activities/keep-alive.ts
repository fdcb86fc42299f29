import { heartbeat } from '@temporalio/activity';

const INTERVAL_MS = 5_000;

/**
 * Heartbeats every few seconds while `work` runs, so a worker that dies is noticed within the
 * heartbeat timeout however long one file takes on a slow link. Hung connections are bounded by
 * the HTTP clients' own timeouts, not by this.
 */
export async function withHeartbeats<T>(details: () => unknown, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => heartbeat(details()), INTERVAL_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
