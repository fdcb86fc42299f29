import { log, proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { AuditInput, AuditPhase, AuditSummary } from '../common/audit';
import { AccountAttribute, RunStateAttribute } from '../common/search-attributes';
import { auditActivity, batchJobActivity, quickCheckActivity, webhookActivity } from './activity-options';

const { auditArchive, compareChecksumReport } = proxyActivities<Activities>(auditActivity);
const { submitChecksumJob } = proxyActivities<Activities>(quickCheckActivity);
const { awaitChecksumJob } = proxyActivities<Activities>(batchJobActivity);
const { notifyAuditWebhook } = proxyActivities<Activities>(webhookActivity);

const auditPhase = (phase: AuditPhase) => ({ key: RunStateAttribute, value: phase });

/**
 * An audit of the archive at rest (registered as `archiveAudit`), started by a person or a
 * schedule: checks every file of the albums' manifests against the bucket without downloading,
 * writes its report into the bucket (deep: also has S3 Batch Operations re-hash every original at
 * rest), shows `passed` or `failed` in the run-state search attribute (the Temporal UI, the API,
 * the pages), and posts its summary to the operator's webhook.
 */
export async function archiveAuditWorkflow(input: AuditInput): Promise<AuditSummary> {
  // A scheduled firing has no id of its own: its workflow id (unique per firing) names it.
  const auditId = input.auditId ?? workflowInfo().workflowId;
  upsertSearchAttributes([
    auditPhase('auditing'),
    ...(input.account ? [{ key: AccountAttribute, value: input.account }] : []),
  ]);
  let summary = await auditArchive({ ...input, auditId });
  if (input.deep) {
    // The stored bytes re-hashed at rest by S3 Batch Operations (AWS only), compared with SmugMug's MD5s.
    const target = { auditId, bucket: input.bucket, prefix: input.prefix };
    const { jobId } = await submitChecksumJob(target);
    await awaitChecksumJob({ jobId });
    summary = await compareChecksumReport({ ...target, jobId, summary });
  }
  upsertSearchAttributes([auditPhase(summary.passed ? 'passed' : 'failed')]);
  try {
    await notifyAuditWebhook(summary);
  } catch (err) {
    // The report is in the bucket and the phase in the search attribute: a hook that keeps failing ends no audit.
    log.warn('The audit webhook did not take the summary', { error: String(err) });
  }
  return summary;
}
