import type { S3Client } from '@aws-sdk/client-s3';
import type { Client } from '@temporalio/client';
import type { z } from 'zod';
import { createHash } from 'node:crypto';
import { migrationHandle } from '../client/start-migration';
import { approveDeletion } from '../common/messages';
import type { ApprovalRequest } from '../common/records';
import { DeletionLog, type MigrationReport, protectionWords } from '../state/documents';
import { albumStateFolder, deletionLogKey } from '../state/layout';
import { StateStore } from '../state/store';
import type { MigrationReads } from './migration-reads';
import type { ApprovalOutcome, HeldItemChoice } from './records';
import { conflict } from './refusals';
import { askTemporal } from './temporal-refusals';

/** An approval as a person sends it (the service gives it its id). */
export type ApprovalByPerson = Omit<ApprovalRequest, 'approvalId'>;

/**
 * Deleting originals on SmugMug: what a person reviews (the report and its digest), the approval
 * (only of the report they read, with the held items they name), and the record of what went.
 */
export class DeletionService {
  constructor(
    private readonly client: Client,
    private readonly s3: S3Client,
    private readonly reads: MigrationReads,
  ) {}

  /** What the review shows: the current report, its digest, and whether the migration may delete at all. */
  async review(id: string) {
    const lookup = await this.reads.lookup(id);
    const { digest, report } = await this.reads.reportOf(lookup);
    return { digest, report, deletionEnabled: lookup.progress?.deletion?.enabled ?? false };
  }

  /**
   * Approves deleting the verified originals of the named albums, only for the report the approver
   * read (its digest), with the held items the approval names; the same request twice is one approval.
   */
  async approve(id: string, request: ApprovalByPerson, idempotencyKey?: string): Promise<ApprovalOutcome> {
    const approvalId =
      idempotencyKey ??
      createHash('sha256')
        .update(JSON.stringify([id, request]))
        .digest('hex')
        .slice(0, 32);
    const { digest, report } = await this.reads.currentReport(id);
    if (digest !== request.reportDigest)
      throw conflict('The report digest does not match the current report: read the report again, then approve');
    const held = heldOf(report, request);
    const result = await askTemporal(`Migration ${id}`, () =>
      migrationHandle(this.client, id).executeUpdate(approveDeletion, {
        args: [{ ...request, approvalId }],
        updateId: `approve-${approvalId}`,
      }),
    );
    return { ...result, held, protection: protectionOf(report, request) };
  }

  /**
   * The deletion records (`deletion.json`) of the report's albums that have one: who approved, when,
   * what went, what was already gone, and the held items kept or included. The first `limit` albums.
   */
  async records(id: string, limit: number) {
    const { report } = await this.reads.currentReport(id);
    const store = new StateStore(this.s3, report.bucket);
    const records = await Promise.all(
      report.albums.slice(0, limit).map(async (album) => {
        const key = deletionLogKey(albumStateFolder(report.prefix, report.migrationId, album.albumKey), false);
        const log = await store.get(key, DeletionLog);
        return log && { album, key, log };
      }),
    );
    return records.filter((r) => r !== undefined);
  }
}
export type DeletionRecords = Awaited<ReturnType<DeletionService['records']>>;

/** The protection of the albums an approval names, as the report recorded it. */
function protectionOf(report: MigrationReport, request: ApprovalByPerson): ApprovalOutcome['protection'] {
  return report.albums
    .filter((a) => (request.albums === 'all' ? a.passed : request.albums.includes(a.albumKey)))
    .map((a) => ({ albumKey: a.albumKey, words: protectionWords(a.protection), recorded: a.protection }));
}

/**
 * The held items of the albums an approval names, and which it includes; an approval naming an
 * ImageKey that is not held in those albums is refused, so a typo never passes for a choice.
 */
function heldOf(report: MigrationReport, request: ApprovalByPerson): Array<z.infer<typeof HeldItemChoice>> {
  const approved =
    request.albums === 'all'
      ? new Set(report.albums.filter((a) => a.passed).map((a) => a.albumKey))
      : new Set(request.albums);
  const held = (report.held ?? []).filter((h) => approved.has(h.albumKey));
  const named = Array.isArray(request.includeHeld) ? new Set(request.includeHeld) : new Set<string>();
  const unknown = [...named].filter((k) => !held.some((h) => h.imageKey === k));
  if (unknown.length > 0)
    throw conflict(`Not held items of the approved albums, so not included: ${unknown.join(', ')}`);
  return held.map((h) => ({
    ...h,
    included: request.includeHeld === 'transcodes' ? h.kind === 'transcode' : named.has(h.imageKey),
  }));
}
