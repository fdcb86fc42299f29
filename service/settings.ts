import { z } from 'zod';
import { TemporalSettings } from '../config/temporal';

/** What the service layer reads from the HTTP server's configuration (server/config.ts composes it). */
export const ServiceSettings = TemporalSettings.pick({ TEMPORAL_NAMESPACE: true, TEMPORAL_TASK_QUEUE: true }).extend({
  /** The Temporal UI, which the answers link to for operators; its origin alone may call the codec from a browser. */
  TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8233'),
  /** The SmugMug app (key and secret) the Connect page authorizes, as the worker uses it. */
  SMUGMUG_API_BASE_URL: z.url().default('https://api.smugmug.com'),
  SMUGMUG_API_KEY: z.string().min(1).optional(),
  SMUGMUG_API_SECRET: z.string().min(1).optional(),
  /** Where the Connect page stores the account's tokens, and the worker reads them (as `smugmug-s3 login`). */
  SMUGMUG_CREDENTIALS_FILE: z.string().min(1).optional(),
});
export type ServiceSettings = z.infer<typeof ServiceSettings>;

/** The Temporal UI's pages of a workflow and of a schedule, for operators. */
export function temporalUiLinks(settings: Pick<ServiceSettings, 'TEMPORAL_UI_URL' | 'TEMPORAL_NAMESPACE'>) {
  const namespace = `${settings.TEMPORAL_UI_URL}/namespaces/${settings.TEMPORAL_NAMESPACE}`;
  return {
    workflow: (workflowId: string) => `${namespace}/workflows/${encodeURIComponent(workflowId)}`,
    schedule: (scheduleId: string) => `${namespace}/schedules/${encodeURIComponent(scheduleId)}`,
  };
}
export type TemporalUiLinks = ReturnType<typeof temporalUiLinks>;
