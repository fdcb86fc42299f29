import { Context } from '@temporalio/activity';
import type { SmugMugClient } from '../smugmug/client';
import type { ActivityDeps } from './deps';

/**
 * The SmugMug client of the account this activity works for, read now (the web app may have
 * connected, replaced or disconnected its token since the last activity). Every run of an account
 * carries its nickname as fairness key (common/account-priority.ts) and activities inherit it, so an
 * album's activities need no account in their input.
 */
export function smugmugOfThisRun({ smugmug }: Pick<ActivityDeps, 'smugmug'>): Promise<SmugMugClient> {
  return smugmug.clientFor(Context.current().info.priority?.fairnessKey);
}
