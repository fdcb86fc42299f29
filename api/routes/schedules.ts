import { createRoute, type z } from '@hono/zod-openapi';
import { ScheduleOverlapPolicy, type ScheduleDescription } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { accountScheduleId, scheduledSyncWorkflowId } from '../../common/ids';
import { ScheduledSyncInput } from '../../common/migration-input';
import { scheduledSync } from '../../workflows/scheduled-sync';
import { MigrationId, SmugMugAccount } from '../../workflows/search-attributes';
import { errors, json, newRouter, security } from '../openapi';
import type { RouteContext } from '../route-context';
import * as s from '../schemas';
import { httpErrorOf } from '../temporal-errors';

/** Runs of a schedule shown with it: the latest first. */
const RUNS_SHOWN = 20;
/** Next firing times shown. */
const NEXT_RUNS_SHOWN = 3;

/** What the schedule was asked for, kept in its memo as given ("24h", "0 3 * * *"), for its answers. */
type ScheduleMemo = Pick<
  z.output<typeof s.CreateScheduleRequest>,
  'account' | 'every' | 'cron' | 'timeZone' | 'catchupWindow'
>;

/** Schedules: an account's incremental sync on an interval or a cron, through Temporal's own Schedules. */
export function scheduleRoutes({ client, config, lookups }: RouteContext) {
  const app = newRouter();
  const scheduleUiUrl = (id: string) =>
    `${config.TEMPORAL_UI_URL}/namespaces/${config.TEMPORAL_NAMESPACE}/schedules/${encodeURIComponent(id)}`;
  const handleOf = (id: string) => client.schedule.getHandle(id);
  const describe = async (id: string) => {
    const description = await handleOf(id)
      .describe()
      .catch((err) => Promise.reject(httpErrorOf(err, `Schedule ${id}`)));
    return scheduleBody(description, scheduleUiUrl(id));
  };
  const withRuns = async (id: string) => ({ ...(await describe(id)), runs: await runsOf(lookups, id) });

  app.openapi(
    createRoute({
      method: 'post',
      path: '/v1/schedules',
      security,
      summary: "Schedule an account's incremental sync (only new or changed files; never deletes)",
      request: { body: { content: { 'application/json': { schema: s.CreateScheduleRequest } }, required: true } },
      responses: { 201: json(s.Schedule, 'Scheduled'), ...errors },
    }),
    async (c) => {
      const { every, cron, timeZone, catchupWindow, paused, note, ...sync } = c.req.valid('json');
      const id = accountScheduleId(sync.account);
      const memo: ScheduleMemo = { account: sync.account, every, cron, timeZone, catchupWindow };
      await client.schedule
        .create({
          scheduleId: id,
          spec: every
            ? { intervals: [{ every: every as Duration }] }
            : { cronExpressions: [cron!], timezone: timeZone },
          action: {
            type: 'startWorkflow',
            workflowType: scheduledSync,
            workflowId: scheduledSyncWorkflowId(sync.account),
            taskQueue: config.TEMPORAL_TASK_QUEUE,
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
      return c.json(await withRuns(id), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/schedules',
      security,
      summary: 'List the schedules',
      responses: { 200: json(s.ScheduleList, 'Every schedule of the service'), ...errors },
    }),
    async (c) => {
      const schedules = [];
      for await (const summary of client.schedule.list())
        if (/^sync-/.test(summary.scheduleId)) schedules.push(await describe(summary.scheduleId));
      return c.json({ schedules }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/schedules/{scheduleId}',
      security,
      summary: 'A schedule: when it fires next, what it skipped, and its recent runs with their migrations',
      request: { params: s.ScheduleIdParam },
      responses: { 200: json(s.Schedule, 'The schedule'), ...errors },
    }),
    async (c) => c.json(await withRuns(c.req.valid('param').scheduleId), 200),
  );

  for (const change of ['pause', 'resume'] as const) {
    app.openapi(
      createRoute({
        method: 'post',
        path: `/v1/schedules/{scheduleId}/${change}`,
        security,
        summary: change === 'pause' ? 'Pause a schedule: no run fires until it is resumed' : 'Resume a paused schedule',
        request: {
          params: s.ScheduleIdParam,
          body: { content: { 'application/json': { schema: s.ScheduleStateChange } }, required: false },
        },
        responses: { 200: json(s.Schedule, 'The schedule now'), ...errors },
      }),
      async (c) => {
        const { scheduleId } = c.req.valid('param');
        const { note } = (c.req.header('content-type') ? c.req.valid('json') : {}) ?? {};
        const handle = handleOf(scheduleId);
        await (change === 'pause' ? handle.pause(note) : handle.unpause(note)).catch((err) =>
          Promise.reject(httpErrorOf(err, `Schedule ${scheduleId}`)),
        );
        return c.json(await withRuns(scheduleId), 200);
      },
    );
  }

  app.openapi(
    createRoute({
      method: 'delete',
      path: '/v1/schedules/{scheduleId}',
      security,
      summary: 'Delete a schedule: no more runs (a run going on finishes; copies stay)',
      request: { params: s.ScheduleIdParam },
      responses: { 204: { description: 'Deleted' }, ...errors },
    }),
    async (c) => {
      const { scheduleId } = c.req.valid('param');
      await handleOf(scheduleId)
        .delete()
        .catch((err) => Promise.reject(httpErrorOf(err, `Schedule ${scheduleId}`)));
      return c.body(null, 204);
    },
  );

  return app;
}

function scheduleBody(d: ScheduleDescription, uiUrl: string): Omit<z.infer<typeof s.Schedule>, 'runs'> {
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
async function runsOf(lookups: RouteContext['lookups'], id: string): Promise<z.infer<typeof s.ScheduledRun>[]> {
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
