import { ApplicationFailure } from '@temporalio/common';
import type { AuditSummary } from '../common/audit';
import { errorType } from '../common/error-types';
import type { ActivityDeps } from './deps';

/** How long the operator's endpoint may take to answer one call. */
const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * Posts an audit's summary as JSON to the operator's webhook (AUDIT_WEBHOOK_URL), if one is set:
 * a 2xx answer is delivery; anything else is tried again by Temporal. The URL is never logged.
 */
export function notifyAuditWebhook({ config }: ActivityDeps) {
  return async function notifyAuditWebhook(summary: AuditSummary): Promise<{ delivered: boolean }> {
    const url = config.AUDIT_WEBHOOK_URL;
    if (!url) return { delivered: false };
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ event: summary.passed ? 'audit.passed' : 'audit.failed', ...summary }),
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
    } catch (err) {
      throw ApplicationFailure.retryable(
        `The audit webhook did not answer: ${(err as Error).message}`,
        errorType('WebhookFailed'),
      );
    }
    if (!res.ok)
      throw ApplicationFailure.retryable(`The audit webhook answered ${res.status}`, errorType('WebhookFailed'));
    return { delivered: true };
  };
}
