import { GetBucketVersioningCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateJobCommand, DescribeJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AuditFinding, AuditSummary } from '../common/audit';
import { errorType } from '../common/error-types';
import { compareCompletionReport, CompletionManifest, computeChecksumJobRequest } from '../s3/batch-checksum';
import { AuditReport } from '../state/documents';
import { auditBatchManifestKey, auditExpectedChecksumsKey } from '../state/layout';
import { StateStore } from '../state/store';
import { type ExpectedObject, FINDINGS_IN_SUMMARY } from './audit-archive';
import type { ActivityDeps } from './deps';

/** How often a running Batch Operations job is asked how it stands: jobs take minutes to hours. */
const JOB_POLL_MS = 60_000;

export interface DeepAuditInput {
  auditId: string;
  bucket: string;
  prefix: string;
}

const readText = async (s3: S3Client, bucket: string, key: string) =>
  (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString();

/**
 * The deep audit (AWS only): submits, waits for, and reads an S3 Batch Operations "Compute
 * checksum" job over every original the audit found in place (s3/batch-checksum.ts).
 */
export function deepAuditActivities({ s3, config }: ActivityDeps) {
  const settings = () => {
    const { AUDIT_BATCH_ACCOUNT_ID, AUDIT_BATCH_ROLE_ARN, AUDIT_BATCH_REPORT_BUCKET } = config;
    if (!AUDIT_BATCH_ACCOUNT_ID || !AUDIT_BATCH_ROLE_ARN || !AUDIT_BATCH_REPORT_BUCKET)
      throw ApplicationFailure.nonRetryable(
        'The deep audit needs S3 Batch Operations on AWS: set AUDIT_BATCH_ACCOUNT_ID, AUDIT_BATCH_ROLE_ARN and AUDIT_BATCH_REPORT_BUCKET on the worker',
        errorType('DeepAuditNotConfigured'),
      );
    return {
      accountId: AUDIT_BATCH_ACCOUNT_ID,
      roleArn: AUDIT_BATCH_ROLE_ARN,
      reportBucket: AUDIT_BATCH_REPORT_BUCKET,
    };
  };
  const control = () => new S3ControlClient({ region: config.AWS_REGION });

  async function submitChecksumJob(input: DeepAuditInput): Promise<{ jobId: string }> {
    const { accountId, roleArn, reportBucket } = settings();
    const manifestKey = auditBatchManifestKey(input.prefix, input.auditId);
    const head = await s3.send(new HeadObjectCommand({ Bucket: input.bucket, Key: manifestKey }));
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: input.bucket }));
    const request = computeChecksumJobRequest({
      accountId,
      roleArn,
      manifest: { bucket: input.bucket, key: manifestKey, etag: head.ETag!.replaceAll('"', '') },
      reportBucket,
      auditId: input.auditId,
      versioned: versioning.Status === 'Enabled',
    });
    // The audit id is the request token: a retried submission finds the same job.
    const { JobId } = await control().send(new CreateJobCommand(request));
    return { jobId: JobId! };
  }

  async function awaitChecksumJob(input: { jobId: string }): Promise<{ status: string }> {
    const { accountId } = settings();
    for (;;) {
      const { Job } = await control().send(new DescribeJobCommand({ AccountId: accountId, JobId: input.jobId }));
      const status = Job?.Status ?? 'Unknown';
      heartbeat({ status, done: Job?.ProgressSummary?.NumberOfTasksSucceeded });
      if (status === 'Complete') return { status };
      if (status === 'Failed' || status === 'Cancelled')
        throw ApplicationFailure.nonRetryable(
          `Batch Operations job ${input.jobId} ${status.toLowerCase()}: ${(Job?.FailureReasons ?? []).map((r) => r.FailureReason).join('; ')}`,
          errorType('BatchJobFailed'),
        );
      await sleep(JOB_POLL_MS);
    }
  }

  /** Reads the job's completion report, compares every value, and adds the findings to the audit's report. */
  async function compareChecksumReport(
    input: DeepAuditInput & { jobId: string; summary: AuditSummary },
  ): Promise<AuditSummary> {
    const { reportBucket } = settings();
    const prefix = `smugmug-s3-deep-audits/${input.auditId}/job-${input.jobId}`;
    const manifest = CompletionManifest.parse(JSON.parse(await readText(s3, reportBucket, `${prefix}/manifest.json`)));
    const csvs = await Promise.all(manifest.Results.map((r) => readText(s3, r.Bucket, r.Key)));
    const store = new StateStore(s3, input.bucket);
    const expected = (await readText(s3, input.bucket, auditExpectedChecksumsKey(input.prefix, input.auditId)))
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as ExpectedObject);
    const byKey = new Map(expected.map((e) => [e.key, e]));
    const deepFindings: AuditFinding[] = compareCompletionReport(csvs, expected).map((f) => {
      const e = byKey.get(f.key)!;
      return {
        kind: f.kind,
        object: 'original',
        key: f.key,
        albumKey: e.albumKey,
        album: e.album,
        imageKey: e.imageKey,
        fileName: e.fileName,
        detail: f.detail,
      };
    });
    const report = (await store.get(input.summary.reportKey, AuditReport))!;
    const byKind = { ...report.byKind };
    for (const f of deepFindings) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
    const findings = [...report.findings, ...deepFindings];
    const updated = {
      ...report,
      findings,
      byKind,
      passed: report.passed && deepFindings.length === 0,
      batchJobId: input.jobId,
    };
    const digest = await store.putWithDigest(input.summary.reportKey, AuditReport, updated);
    return {
      ...input.summary,
      passed: updated.passed,
      findings: input.summary.findings + deepFindings.length,
      byKind,
      firstFindings: findings.slice(0, FINDINGS_IN_SUMMARY),
      batchJobId: input.jobId,
      digest,
    };
  }

  return { submitChecksumJob, awaitChecksumJob, compareChecksumReport };
}
