import { type Client, type ScheduleDescription, type ScheduleHandle, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { accountScheduleId, scheduledSyncWorkflowId } from '../common/ids';
import { ScheduledSyncInput } from '../common/migration-input';
import { AccountAttribute, MigrationWorkflowIdAttribute } from '../common/search-attributes';
import { WorkflowTypes } from '../common/workflow-types';
import type { MigrationReads } from './migration-reads';
import type { CreateScheduleRequest, Schedule, ScheduledRun, ScheduleSummary } from './records';
import type { TemporalUiLinks } from './settings';
import { askTemporal, scheduleSpecRefused } from './temporal-refusals';

/** Runs of a schedule shown with it: the latest first. */
const RUNS_SHOWN = 20;
/** Next firing times shown. */
const NEXT_RUNS_SHOWN = 3;

/** What the schedule was asked for, kept in its memo as given ("24h", "0 3 * * *"), for its answers. */
type ScheduleMemo = Pick<CreateScheduleRequest, 'account' | 'every' | 'cron' | 'timeZone' | 'catchupWindow'>;

/**
 * An account's incremental sync on an interval or a cron, through Temporal's own Schedules: what
 * the JSON routes and the pages do with schedules.
 */
export class ScheduleService {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly reads: MigrationReads,
    private readonly links: TemporalUiLinks,
  ) {}

  async create(request: CreateScheduleRequest): Promise<Schedule> {
    const { every, cron, timeZone, catchupWindow, paused, note, ...sync } = request;
    const id = accountScheduleId(sync.account);
    const memo: ScheduleMemo = { account: sync.account, every, cron, timeZone, catchupWindow };
    await askTemporal(`The schedule of ${sync.account}`, () =>
      this.client.schedule
        .create({
          scheduleId: id,
          spec: every
            ? { intervals: [{ every: every as Duration }] }
            : { cronExpressions: [cron!], timezone: timeZone },
          action: {
            type: 'startWorkflow',
            workflowType: WorkflowTypes.scheduledSync,
            workflowId: scheduledSyncWorkflowId(sync.account),
            taskQueue: this.taskQueue,
            args: [ScheduledSyncInput.parse(sync)],
            typedSearchAttributes: [{ key: AccountAttribute, value: sync.account }],
            staticSummary: `Scheduled sync of SmugMug ${sync.account} to s3://${sync.target.bucket}/${sync.target.prefix}`,
          },
          policies: {
            overlap: ScheduleOverlapPolicy.SKIP,
            catchupWindow: catchupWindow as Duration,
            pauseOnFailure: false,
          },
          state: { paused, note },
          memo,
          typedSearchAttributes: [{ key: AccountAttribute, value: sync.account }],
        })
        .catch(scheduleSpecRefused),
    );
    return this.show(id);
  }

  /** Every schedule of the service, without their runs. */
  async list(): Promise<ScheduleSummary[]> {
    const schedules = [];
    for await (const summary of this.client.schedule.list())
      if (/^sync-/.test(summary.scheduleId)) schedules.push(await this.describe(summary.scheduleId));
    return schedules;
  }

  /** A schedule: when it fires next, what it skipped, and its recent runs with their migrations. */
  async show(id: string): Promise<Schedule> {
    return { ...(await this.describe(id)), runs: await this.runsOf(id) };
  }

  /** Pauses (no run fires) or resumes a schedule, with an optional note saying why. */
  async pause(id: string, note?: string): Promise<Schedule> {
    return this.changeState(id, (handle) => handle.pause(note));
  }

  async resume(id: string, note?: string): Promise<Schedule> {
    return this.changeState(id, (handle) => handle.unpause(note));
  }

  private async changeState(id: string, change: (handle: ScheduleHandle) => Promise<void>): Promise<Schedule> {
    await askTemporal(`Schedule ${id}`, () => change(this.client.schedule.getHandle(id)));
    return this.show(id);
  }

  /** No more runs; a run going on finishes, and copies stay. */
  async delete(id: string): Promise<void> {
    await askTemporal(`Schedule ${id}`, () => this.client.schedule.getHandle(id).delete());
  }

  private async describe(id: string): Promise<ScheduleSummary> {
    const description = await askTemporal(`Schedule ${id}`, () => this.client.schedule.getHandle(id).describe());
    return scheduleBody(description, this.links.schedule(id));
  }

  /** The schedule's runs, found by the search attribute Temporal gives them, with the migration each started. */
  private async runsOf(id: string): Promise<ScheduledRun[]> {
    const query = `WorkflowType = '${WorkflowTypes.scheduledSync}' AND TemporalScheduledById = '${id}'`;
    const { items } = await askTemporal(`Schedule ${id}`, () => this.reads.visibility(query, 1, RUNS_SHOWN));
    return items.map((wf) => ({
      workflowId: wf.workflowId,
      status: wf.status.name,
      startedAt: wf.startTime.toISOString(),
      closedAt: wf.closeTime?.toISOString(),
      migration: wf.typedSearchAttributes.get(MigrationWorkflowIdAttribute),
    }));
  }
}

function scheduleBody(d: ScheduleDescription, uiUrl: string): ScheduleSummary {
  const memo = (d.memo ?? {}) as Partial<ScheduleMemo>;
  const input = (d.action.type === 'startWorkflow' ? d.action.args?.[0] : undefined) as ScheduledSyncInput | undefined;
  return {
    id: d.scheduleId,
    account: memo.account ?? input?.account ?? '',
    target: { bucket: input?.target.bucket ?? '', prefix: input?.target.prefix ?? '' },
    every: memo.every,
    cron: memo.cron,
    timeZone: memo.timeZone ?? 'UTC',
    catchupWindow: memo.catchupWindow ?? '',
    overlap: 'skip',
    paused: d.state.paused,
    note: d.state.note || undefined,
    nextRuns: d.info.nextActionTimes.slice(0, NEXT_RUNS_SHOWN).map((t) => t.toISOString()),
    skippedBecauseRunning: d.info.numActionsSkippedOverlap,
    missedCatchupWindow: d.info.numActionsMissedCatchupWindow,
    uiUrl,
  };
}
