import type { z } from '@hono/zod-openapi';
import { type Client, type ScheduleDescription, type ScheduleHandle, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { accountScheduleId, scheduledSyncWorkflowId } from '../common/ids';
import { ScheduledSyncInput } from '../common/migration-input';
import { scheduledSync } from '../workflows/scheduled-sync';
import { MigrationId, SmugMugAccount } from '../workflows/search-attributes';
import type { ApiConfig } from './config';
import type { MigrationLookups } from './migration-lookups';
import type * as s from './schemas';
import { httpErrorOf } from './temporal-errors';

/** Runs of a schedule shown with it: the latest first. */
const RUNS_SHOWN = 20;
/** Next firing times shown. */
const NEXT_RUNS_SHOWN = 3;

/** What the schedule was asked for, kept in its memo as given ("24h", "0 3 * * *"), for its answers. */
type ScheduleMemo = Pick<
  z.output<typeof s.CreateScheduleRequest>,
  'account' | 'every' | 'cron' | 'timeZone' | 'catchupWindow'
>;
export type Schedule = z.infer<typeof s.Schedule>;

/**
 * An account's incremental sync on an interval or a cron, through Temporal's own Schedules: what
 * the JSON routes and the pages do with schedules.
 */
export class ScheduleService {
  constructor(
    private readonly client: Client,
    private readonly config: ApiConfig,
    private readonly lookups: MigrationLookups,
  ) {}

  async create(request: z.output<typeof s.CreateScheduleRequest>): Promise<Schedule> {
    const { every, cron, timeZone, catchupWindow, paused, note, ...sync } = request;
    const id = accountScheduleId(sync.account);
    const memo: ScheduleMemo = { account: sync.account, every, cron, timeZone, catchupWindow };
    await this.client.schedule
      .create({
        scheduleId: id,
        spec: every ? { intervals: [{ every: every as Duration }] } : { cronExpressions: [cron!], timezone: timeZone },
        action: {
          type: 'startWorkflow',
          workflowType: scheduledSync,
          workflowId: scheduledSyncWorkflowId(sync.account),
          taskQueue: this.config.TEMPORAL_TASK_QUEUE,
          args: [ScheduledSyncInput.parse(sync)],
          typedSearchAttributes: [{ key: SmugMugAccount, value: sync.account }],
          staticSummary: `Scheduled sync of SmugMug ${sync.account} to s3://${sync.target.bucket}/${sync.target.prefix}`,
        },
        policies: {
          overlap: ScheduleOverlapPolicy.SKIP,
          catchupWindow: catchupWindow as Duration,
          pauseOnFailure: false,
        },
        state: { paused, note },
        memo,
        typedSearchAttributes: [{ key: SmugMugAccount, value: sync.account }],
      })
      .catch((err) => Promise.reject(httpErrorOf(err, `The schedule of ${sync.account}`)));
    return this.show(id);
  }

  /** Every schedule of the service, without their runs. */
  async list(): Promise<Array<Omit<Schedule, 'runs'>>> {
    const schedules = [];
    for await (const summary of this.client.schedule.list())
      if (/^sync-/.test(summary.scheduleId)) schedules.push(await this.describe(summary.scheduleId));
    return schedules;
  }

  /** A schedule: when it fires next, what it skipped, and its recent runs with their migrations. */
  async show(id: string): Promise<Schedule> {
    return { ...(await this.describe(id)), runs: await runsOf(this.lookups, id) };
  }

  /** Pauses (no run fires) or resumes a schedule, with an optional note saying why. */
  async pause(id: string, note?: string): Promise<Schedule> {
    return this.changeState(id, (handle) => handle.pause(note));
  }

  async resume(id: string, note?: string): Promise<Schedule> {
    return this.changeState(id, (handle) => handle.unpause(note));
  }

  private async changeState(id: string, change: (handle: ScheduleHandle) => Promise<void>): Promise<Schedule> {
    await change(this.client.schedule.getHandle(id)).catch((err) => Promise.reject(httpErrorOf(err, `Schedule ${id}`)));
    return this.show(id);
  }

  /** No more runs; a run going on finishes, and copies stay. */
  async delete(id: string): Promise<void> {
    await this.client.schedule
      .getHandle(id)
      .delete()
      .catch((err) => Promise.reject(httpErrorOf(err, `Schedule ${id}`)));
  }

  private async describe(id: string): Promise<Omit<Schedule, 'runs'>> {
    const description = await this.client.schedule
      .getHandle(id)
      .describe()
      .catch((err) => Promise.reject(httpErrorOf(err, `Schedule ${id}`)));
    return scheduleBody(description, this.uiUrl(id));
  }

  private uiUrl(id: string): string {
    return `${this.config.TEMPORAL_UI_URL}/namespaces/${this.config.TEMPORAL_NAMESPACE}/schedules/${encodeURIComponent(id)}`;
  }
}

function scheduleBody(d: ScheduleDescription, uiUrl: string): Omit<Schedule, 'runs'> {
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

/** The schedule's runs, found by the search attribute Temporal gives them, with the migration each started. */
async function runsOf(lookups: MigrationLookups, id: string): Promise<z.infer<typeof s.ScheduledRun>[]> {
  const query = `WorkflowType = 'scheduledSync' AND TemporalScheduledById = '${id}'`;
  const { items } = await lookups.visibilityPage(query, 1, RUNS_SHOWN, (wf) => ({
    workflowId: wf.workflowId,
    status: wf.status.name,
    startedAt: wf.startTime.toISOString(),
    closedAt: wf.closeTime?.toISOString(),
    migration: wf.typedSearchAttributes.get(MigrationId),
  }));
  return items;
}
