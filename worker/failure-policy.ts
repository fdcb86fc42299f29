import type { Context } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { classifyFailure, LARGE_FILE_REPEATABLE_ATTEMPTS, REPEATABLE_ATTEMPTS } from '../common/failure-classes';

/** The activity whose failures get the large-file number of attempts: it resumes at its next part each time. */
const LARGE_FILE_ACTIVITY = 'transferLargeFile';

/**
 * The worker's activity interceptor applying `classifyFailure` to every activity: outages retry as
 * long as they last, other failures a bounded number of times, permanent ones never.
 */
export const failurePolicyInterceptor: ActivityInterceptorsFactory = (ctx: Context) => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } catch (err) {
        const max =
          ctx.info.activityType === LARGE_FILE_ACTIVITY ? LARGE_FILE_REPEATABLE_ATTEMPTS : REPEATABLE_ATTEMPTS;
        throw classifyFailure(err, ctx.info.attempt, max);
      }
    },
  },
});
