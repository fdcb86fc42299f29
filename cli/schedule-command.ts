import type { ApiClient, CreateScheduleBody, ScheduleBody, ScheduleListBody } from './api-client';

export interface ScheduleOptions {
  account?: string;
  bucket?: string;
  prefix?: string;
  every?: string;
  cron?: string;
  timeZone?: string;
  include?: string[];
  exclude?: string[];
  note?: string;
}

/** `smugmug-s3 schedule create|list|show|pause|resume|delete`: an account's incremental sync. */
export async function scheduleCommand(
  api: ApiClient,
  action: string | undefined,
  options: ScheduleOptions,
  print: (line: string) => void,
  fail: (message: string) => never,
): Promise<void> {
  const account = () => options.account ?? fail(`schedule ${action} needs --account NICK`);
  const path = () => `/v1/schedules/sync-${account().toLowerCase()}`;
  switch (action) {
    case 'create': {
      const request: Partial<CreateScheduleBody> = {
        account: account(),
        target: { bucket: options.bucket ?? fail('schedule create needs --bucket B'), prefix: options.prefix ?? '' },
        albums: { include: options.include ?? [], exclude: options.exclude ?? [] },
        ...(options.cron
          ? { cron: options.cron, timeZone: options.timeZone ?? 'UTC' }
          : { every: options.every ?? '24h' }),
        ...(options.note ? { note: options.note } : {}),
      };
      return printSchedule(await api.call<ScheduleBody>('POST', '/v1/schedules', request), print);
    }
    case 'list': {
      const { schedules } = await api.call<ScheduleListBody>('GET', '/v1/schedules');
      if (schedules.length === 0) print('No schedules.');
      for (const s of schedules)
        print(
          `${s.id}  ${s.account}  ${s.every ? `every ${s.every}` : `cron "${s.cron}" ${s.timeZone}`}  ${s.paused ? 'PAUSED' : `next ${s.nextRuns[0] ?? '-'}`}`,
        );
      return;
    }
    case 'show':
      return printSchedule(await api.call<ScheduleBody>('GET', path()), print);
    case 'pause':
    case 'resume':
      return printSchedule(
        await api.call<ScheduleBody>('POST', `${path()}/${action}`, options.note ? { note: options.note } : undefined),
        print,
      );
    case 'delete':
      await api.call('DELETE', path());
      return print(`Deleted the schedule of ${account()}: no more runs (copies made stay).`);
    default:
      fail('schedule needs an action: create, list, show, pause, resume or delete');
  }
}

function printSchedule(s: ScheduleBody, print: (line: string) => void): void {
  print(`${s.id}: sync of SmugMug ${s.account} into s3://${s.target.bucket}/${s.target.prefix}`);
  print(
    `  ${s.every ? `every ${s.every}` : `cron "${s.cron}" (${s.timeZone})`}; a run still going when the next is due skips it`,
  );
  print(`  ${s.paused ? `PAUSED${s.note ? `: ${s.note}` : ''}` : `next runs: ${s.nextRuns.join(', ') || '-'}`}`);
  if (s.skippedBecauseRunning > 0) print(`  ${s.skippedBecauseRunning} firing(s) skipped as a run was still going`);
  for (const run of s.runs)
    print(`  run ${run.startedAt}  ${run.status}  ${run.migration ?? 'skipped: the account was migrating'}`);
  print(`  Temporal UI: ${s.uiUrl}`);
}
