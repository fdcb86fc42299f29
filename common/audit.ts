import { z } from 'zod';
import { BucketName } from './records';

/**
 * An audit of the archive at rest: every file the albums' manifests (album.json) name is checked
 * against the bucket without downloading anything. Records defined once, here.
 */

/** What a person asks to audit: a bucket, and the prefix its migrations wrote under. */
export const AuditRequest = z.object({
  bucket: BucketName,
  prefix: z
    .string()
    .max(200)
    .default('')
    .transform((p) => p.replace(/\/$/, '')),
  /** Names the audit in lists and the Temporal UI (the SmugMug nickname the archive came from). */
  account: z.string().max(60).optional(),
  /**
   * Also re-hash every original's stored bytes at rest with an S3 Batch Operations "Compute
   * checksum" job and compare them with SmugMug's MD5s: AWS only, where the operator has set the
   * job's role and report bucket (AUDIT_BATCH_*). Billed per object by AWS; takes hours.
   */
  deep: z.boolean().default(false),
});
export type AuditRequest = z.output<typeof AuditRequest>;

/** What the audit workflow takes: the request, and its id (a scheduled run takes its workflow id). */
export const AuditInput = AuditRequest.extend({ auditId: z.string().optional() });
export type AuditInput = z.output<typeof AuditInput>;

/** Where an audit stands (its run-state search attribute): running, then passed or failed. */
export const AuditPhase = z.enum(['auditing', 'passed', 'failed']);
export type AuditPhase = z.infer<typeof AuditPhase>;

/**
 * What an audit can find wrong with a file: gone (no current version, or a delete marker), written
 * over since it was verified (a newer version, another size or ETag), moved to another storage
 * class, its stored checksum not the recorded one, or its Object Lock retention no longer in force.
 */
export const AuditFindingKind = z.enum(['missing', 'overwritten', 'changed-class', 'checksum-differs', 'lock-gone']);
export type AuditFindingKind = z.infer<typeof AuditFindingKind>;

export const AuditFinding = z.object({
  kind: AuditFindingKind,
  /** The copy of an original, its XMP sidecar, or the album's manifest. */
  object: z.enum(['original', 'sidecar', 'manifest']),
  key: z.string(),
  albumKey: z.string(),
  album: z.string(),
  imageKey: z.string().optional(),
  fileName: z.string().optional(),
  detail: z.string(),
});
export type AuditFinding = z.infer<typeof AuditFinding>;

/** What an audit counted, as its report and its summary both say it. */
export const AuditTotals = z.object({
  auditId: z.string(),
  bucket: z.string(),
  prefix: z.string(),
  passed: z.boolean(),
  checkedAt: z.string(),
  albums: z.number().int(),
  files: z.number().int(),
  byKind: z.record(z.string(), z.number().int()),
  requests: z.object({ list: z.number().int(), get: z.number().int(), head: z.number().int() }),
  /** The deep audit's Batch Operations job, when one ran. */
  batchJobId: z.string().optional(),
});

/** An audit's totals and where its report is: what the API, the webhook and the workflow's result carry. */
export const AuditSummary = AuditTotals.extend({
  findings: z.number().int(),
  /** The first findings (all of them up to the report's limit), each with its album. */
  firstFindings: z.array(AuditFinding),
  reportKey: z.string(),
  /** SHA-256 of the report's bytes as written. */
  digest: z.string(),
});
export type AuditSummary = z.infer<typeof AuditSummary>;

/**
 * The operator's audit settings (the worker's environment, never a workflow's input): a URL that
 * receives each audit's summary as JSON (a chat hook, an alerting endpoint). Unset: no call.
 */
export const AuditSettings = z.object({ AUDIT_WEBHOOK_URL: z.url().optional() });
export type AuditSettings = z.infer<typeof AuditSettings>;
