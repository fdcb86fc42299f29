import { ApplicationFailure } from '@temporalio/common';
import type { RestoreProgress } from '../common/archive';
import type { AuditSummary } from '../common/audit';
import { errorType } from '../common/error-types';
import type { ActivityDeps } from './deps';

/** How long the operator's endpoint may take to answer one call. */
const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * Posts an event as JSON to the operator's webhook (AUDIT_WEBHOOK_URL), if one is set: a 2xx answer
 * is delivery; anything else is tried again by Temporal. The URL is never logged.
 */
async function postToWebhook(url: string | undefined, event: Record<string, unknown>): Promise<{ delivered: boolean }> {
  if (!url) return { delivered: false };
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
    });
  } catch (err) {
    throw ApplicationFailure.retryable(
      `The operator's webhook did not answer: ${(err as Error).message}`,
      errorType('WebhookFailed'),
    );
  }
  if (!res.ok)
    throw ApplicationFailure.retryable(`The operator's webhook answered ${res.status}`, errorType('WebhookFailed'));
  return { delivered: true };
}

/** An audit's summary: `audit.passed` or `audit.failed`. */
export function notifyAuditWebhook({ config }: ActivityDeps) {
  return async function notifyAuditWebhook(summary: AuditSummary): Promise<{ delivered: boolean }> {
    return postToWebhook(config.AUDIT_WEBHOOK_URL, {
      event: summary.passed ? 'audit.passed' : 'audit.failed',
      ...summary,
    });
  };
}

/** A restore out of the archive classes whose files are all readable now: `restore.ready`. */
export function notifyRestoreWebhook({ config }: ActivityDeps) {
  return async function notifyRestoreWebhook(progress: RestoreProgress): Promise<{ delivered: boolean }> {
    return postToWebhook(config.AUDIT_WEBHOOK_URL, { event: 'restore.ready', ...progress });
  };
}
