import type { CreateJobCommandInput } from '@aws-sdk/client-s3-control';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';

/**
 * The deep audit on AWS: an S3 Batch Operations "Compute checksum" job re-hashes the stored bytes
 * of every original (MD5, full object) without restoring or downloading them, whatever their class,
 * and writes the values into its completion report, which is compared with SmugMug's MD5s.
 * Cannot run against MinIO or moto (neither has S3 Control): the manifest, the job request and the
 * report's comparison are tested as units; the job itself only on AWS.
 */

/** The operator's settings for the deep audit (the worker's environment): all three, or none. */
export const BatchChecksumSettings = z.object({
  /** The account that owns the bucket: S3 Control addresses jobs by account. */
  AUDIT_BATCH_ACCOUNT_ID: z
    .string()
    .regex(/^\d{12}$/, 'a 12-digit AWS account id')
    .optional(),
  /** The IAM role Batch Operations assumes: s3:GetObject/GetObjectVersion on the bucket, s3:PutObject on the report bucket. */
  AUDIT_BATCH_ROLE_ARN: z
    .string()
    .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/, 'an IAM role ARN')
    .optional(),
  /** Where the job writes its completion report (a bucket of the operator's). */
  AUDIT_BATCH_REPORT_BUCKET: z.string().min(3).optional(),
});
export type BatchChecksumSettings = z.infer<typeof BatchChecksumSettings>;

/** One object the job re-hashes, and what its bytes must hash to. */
export interface ExpectedChecksum {
  key: string;
  versionId?: string;
  md5: string;
}

/**
 * The job's manifest, in Batch Operations' CSV format: bucket, key (URL-encoded, as the format
 * requires), and version id where the bucket is versioned, one object a line.
 */
export function batchManifestCsv(bucket: string, objects: ExpectedChecksum[]): string {
  return objects
    .map((o) =>
      [
        bucket,
        encodeURIComponent(o.key).replace(/%2F/g, '/'),
        ...(o.versionId && o.versionId !== 'null' ? [o.versionId] : []),
      ].join(','),
    )
    .join('\n')
    .concat('\n');
}

/** The CreateJob request: compute a full-object MD5 of every object in the manifest, report all tasks. */
export function computeChecksumJobRequest(opts: {
  accountId: string;
  roleArn: string;
  manifest: { bucket: string; key: string; etag: string };
  reportBucket: string;
  auditId: string;
  versioned: boolean;
}): CreateJobCommandInput {
  return {
    AccountId: opts.accountId,
    ConfirmationRequired: false,
    RoleArn: opts.roleArn,
    Priority: 10,
    ClientRequestToken: opts.auditId,
    Description: `smugmug-s3 deep audit ${opts.auditId}`.slice(0, 256),
    Operation: { S3ComputeObjectChecksum: { ChecksumAlgorithm: 'MD5', ChecksumType: 'FULL_OBJECT' } },
    Manifest: {
      Spec: {
        Format: 'S3BatchOperations_CSV_20180820',
        Fields: opts.versioned ? ['Bucket', 'Key', 'VersionId'] : ['Bucket', 'Key'],
      },
      Location: {
        ObjectArn: `arn:aws:s3:::${opts.manifest.bucket}/${opts.manifest.key}`,
        ETag: opts.manifest.etag,
      },
    },
    Report: {
      Enabled: true,
      Bucket: `arn:aws:s3:::${opts.reportBucket}`,
      Prefix: `smugmug-s3-deep-audits/${opts.auditId}`,
      Format: 'Report_CSV_20180820',
      ReportScope: 'AllTasks',
    },
  };
}

/** The completion report's top-level manifest.json: where each result file is. */
export const CompletionManifest = z.object({
  Format: z.string(),
  ReportSchema: z.string().optional(),
  Results: z.array(z.object({ TaskExecutionStatus: z.string(), Bucket: z.string(), Key: z.string() })),
});

/**
 * The checksum a task's ResultMessage carries. AWS documents that Compute checksum reports carry
 * every object's value but shows no row: the message is read as JSON when it is, and the value taken
 * from it as 32 hex digits or the 24 characters of an MD5 in base64. Checked against a real job
 * before it is relied on (README says so).
 */
export function md5FromResultMessage(message: string): string | undefined {
  let text = message;
  try {
    text = Object.values(JSON.parse(message) as Record<string, unknown>)
      .map(String)
      .join(' ');
  } catch {
    // not JSON: the message as it is
  }
  const hex = /\b[0-9a-fA-F]{32}\b/.exec(text);
  if (hex) return hex[0].toLowerCase();
  const base64 = /(?:^|[^A-Za-z0-9+/])([A-Za-z0-9+/]{22}==)/.exec(text);
  return base64 ? Buffer.from(base64[1], 'base64').toString('hex') : undefined;
}

export interface DeepAuditFinding {
  key: string;
  kind: 'checksum-differs' | 'missing';
  detail: string;
}

/**
 * Compares a completion report's rows (Bucket, Key, VersionId, TaskStatus, ErrorCode,
 * HTTPStatusCode, ResultMessage) with the MD5 each object must have: a value that differs, a task
 * that failed, and an object the report does not mention are each a finding.
 */
export function compareCompletionReport(reportCsvs: string[], expected: ExpectedChecksum[]): DeepAuditFinding[] {
  const findings: DeepAuditFinding[] = [];
  const seen = new Set<string>();
  const byKey = new Map(expected.map((e) => [e.key, e]));
  for (const csv of reportCsvs) {
    const rows = parse(csv, { relax_column_count: true, skip_empty_lines: true }) as string[][];
    for (const [, encodedKey, , status, errorCode, httpStatus, message = ''] of rows) {
      const key = decodeURIComponent(encodedKey.replace(/\+/g, ' '));
      const want = byKey.get(key);
      if (!want) continue;
      seen.add(key);
      if (status !== 'succeeded') {
        findings.push({
          key,
          kind: errorCode === 'NoSuchKey' || httpStatus === '404' ? 'missing' : 'checksum-differs',
          detail: `the job could not hash it: ${errorCode || status} ${httpStatus} ${message}`.trim(),
        });
        continue;
      }
      const md5 = md5FromResultMessage(message);
      if (md5 !== want.md5)
        findings.push({
          key,
          kind: 'checksum-differs',
          detail: `stored bytes hash to MD5 ${md5 ?? '(none in the report)'}, SmugMug's is ${want.md5}`,
        });
    }
  }
  for (const e of expected)
    if (!seen.has(e.key)) findings.push({ key: e.key, kind: 'missing', detail: 'not in the job’s completion report' });
  return findings;
}
