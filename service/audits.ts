import type { S3Client } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { type Client, ScheduleOverlapPolicy, type WorkflowExecutionInfo } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { AuditInput, AuditPhase, AuditRequest } from '../common/audit';
import { auditScheduleId, auditWorkflowId, scheduledAuditWorkflowId } from '../common/ids';
import { RunStateAttribute } from '../common/search-attributes';
import { WorkflowTypes } from '../common/workflow-types';
import { AuditReport } from '../state/documents';
import { assertBucketUsable } from '../s3/bucket-access';
import { StateStore } from '../state/store';
import type { archiveAuditWorkflow } from '../workflows/audit';
import type { MigrationReads } from './migration-reads';
import { invalidInput, notFound, noWorker, Refusal } from './refusals';
import { type AuditDetails, AuditScheduleRequest } from './records';
import type { TemporalUiLinks } from './settings';
import { askTemporal, scheduleSpecRefused } from './temporal-refusals';

/** An audit's id when the person starting it gives none: the start time, `20261206142501`. */
const newAuditId = () => new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);

/**
 * Audits of the archive at rest, by hand or on a schedule (workflows/audit.ts): what the JSON API,
 * the CLI and the pages do with them. Nothing starts on bad input or a bucket that is not there.
 */
export class AuditService {
  constructor(
    private readonly client: Client,
    private readonly s3: S3Client,
    private readonly reads: MigrationReads,
    private readonly taskQueue: string,
    private readonly links: TemporalUiLinks,
  ) {}

  async start(request: unknown): Promise<AuditDetails> {
    const input = await this.checked(request);
    const auditId = newAuditId();
    const id = auditWorkflowId(input.bucket, auditId);
    if (!(await askTemporal('Temporal', () => this.reads.workerSeen()))) throw noWorker();
    await askTemporal(`Audit ${id}`, () =>
      this.client.workflow.start<typeof archiveAuditWorkflow>(WorkflowTypes.audit, {
        workflowId: id,
        taskQueue: this.taskQueue,
        args: [AuditInput.parse({ ...input, auditId })],
        memo: { audit: { ...input, auditId } },
        typedSearchAttributes: [{ key: RunStateAttribute, value: 'auditing' }],
        staticSummary: `Audit of s3://${input.bucket}/${input.prefix} at rest`,
      }),
    );
    return this.details(id);
  }

  /** An audit: its phase from the search attribute while it runs, its summary once done. */
  async details(id: string): Promise<AuditDetails> {
    const handle = this.client.workflow.getHandle<typeof archiveAuditWorkflow>(id);
    const description = await askTemporal(`Audit ${id}`, () => handle.describe());
    if (description.type !== WorkflowTypes.audit) throw notFound(`Audit ${id}`);
    const summary = description.status.name === 'COMPLETED' ? await handle.result() : undefined;
    return { ...this.bodyOf(description), summary };
  }

  /** The audit's full report from the bucket: every finding with its album. */
  async report(id: string): Promise<AuditReport> {
    const { summary } = await this.details(id);
    if (!summary) throw new Refusal('conflict', `Audit ${id} has no report yet: it is still running or did not finish`);
    const report = await new StateStore(this.s3, summary.bucket).get(summary.reportKey, AuditReport);
    if (!report) throw notFound(`The report of audit ${id}`);
    return report;
  }

  /** A page of audits, newest first. */
  async list(page: number, pageSize: number): Promise<{ audits: AuditDetails[]; hasMore: boolean }> {
    const { items, hasMore } = await askTemporal('Audits', () =>
      this.reads.visibility(`WorkflowType = '${WorkflowTypes.audit}'`, page, pageSize),
    );
    return { audits: items.map((wf) => this.bodyOf(wf)), hasMore };
  }

  /** Audits of a bucket on an interval or a cron, through Temporal's Schedules (one per bucket). */
  async schedule(request: unknown): Promise<{ scheduleId: string; nextRuns: string[] }> {
    const parsed = AuditScheduleRequest.safeParse(request);
    if (!parsed.success) throw invalidInput(parsed.error);
    const { every, cron, ...audit } = parsed.data;
    await this.checked(audit);
    const scheduleId = auditScheduleId(audit.bucket);
    await askTemporal(`The audit schedule of ${audit.bucket}`, () =>
      this.client.schedule
        .create({
          scheduleId,
          spec: every ? { intervals: [{ every: every as Duration }] } : { cronExpressions: [cron!] },
          action: {
            type: 'startWorkflow',
            workflowType: WorkflowTypes.audit,
            workflowId: scheduledAuditWorkflowId(audit.bucket),
            taskQueue: this.taskQueue,
            args: [AuditInput.parse(audit)],
            memo: { audit },
            typedSearchAttributes: [{ key: RunStateAttribute, value: 'auditing' }],
            staticSummary: `Scheduled audit of s3://${audit.bucket}/${audit.prefix} at rest`,
          },
          policies: { overlap: ScheduleOverlapPolicy.SKIP },
        })
        .catch(scheduleSpecRefused),
    );
    const described = await askTemporal(`Schedule ${scheduleId}`, () =>
      this.client.schedule.getHandle(scheduleId).describe(),
    );
    return { scheduleId, nextRuns: described.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()) };
  }

  /** The audit request, checked: well formed, and its bucket there for the API's credentials. */
  private async checked(request: unknown): Promise<AuditRequest> {
    const parsed = AuditRequest.safeParse(request);
    if (!parsed.success) throw invalidInput(parsed.error);
    try {
      await assertBucketUsable(this.s3, parsed.data.bucket);
    } catch (err) {
      // Missing or denied: the reason as the worker gives it; anything else, S3 not answering.
      if (err instanceof ApplicationFailure) throw new Refusal('unprocessable', err.message);
      throw new Refusal('unavailable', `S3 did not answer about bucket "${parsed.data.bucket}": try again in a moment`);
    }
    return parsed.data;
  }

  private bodyOf(
    wf: Pick<
      WorkflowExecutionInfo,
      'memo' | 'workflowId' | 'typedSearchAttributes' | 'status' | 'startTime' | 'closeTime'
    >,
  ): AuditDetails {
    const input = (wf.memo?.audit ?? {}) as Partial<AuditInput>;
    return {
      id: wf.workflowId,
      auditId: input.auditId ?? wf.workflowId,
      bucket: input.bucket ?? '',
      prefix: input.prefix ?? '',
      phase: AuditPhase.catch('auditing').parse(wf.typedSearchAttributes.get(RunStateAttribute)),
      status: wf.status.name,
      startedAt: wf.startTime.toISOString(),
      closedAt: wf.closeTime?.toISOString(),
      uiUrl: this.links.workflow(wf.workflowId),
    };
  }
}
