import { z } from 'zod';
import { CredentialStoreSettings } from '../config/credential-store';
import { TemporalSettings } from '../config/temporal';
import { credentialsFromFile, SmugMugEnvSettings } from '../smugmug/credentials';

/** What the service layer reads from the HTTP server's configuration (server/config.ts composes it). */
export const ServiceSettings = TemporalSettings.pick({ TEMPORAL_NAMESPACE: true, TEMPORAL_TASK_QUEUE: true }).extend({
  /** The Temporal UI, which the answers link to for operators; its origin alone may call the codec from a browser. */
  TEMPORAL_UI_URL: z.url().default('http://127.0.0.1:8233'),
  /**
   * The SmugMug app and an account's token as the worker's environment gives them (an operator's
   * single account, shown as connected); the app and accounts entered in the web app go to the
   * credential store instead.
   */
  ...SmugMugEnvSettings.shape,
  ...CredentialStoreSettings.shape,
});
export type ServiceSettings = z.infer<typeof ServiceSettings>;

/** The environment with what `smugmug-s3 login` stored beneath it: its account is the environment's, as for the worker. */
export function withLoginFile(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...credentialsFromFile(env), ...env };
}

/** The Temporal UI's pages of a workflow and of a schedule, for operators. */
export function temporalUiLinks(settings: Pick<ServiceSettings, 'TEMPORAL_UI_URL' | 'TEMPORAL_NAMESPACE'>) {
  const namespace = `${settings.TEMPORAL_UI_URL}/namespaces/${settings.TEMPORAL_NAMESPACE}`;
  return {
    workflow: (workflowId: string) => `${namespace}/workflows/${encodeURIComponent(workflowId)}`,
    schedule: (scheduleId: string) => `${namespace}/schedules/${encodeURIComponent(scheduleId)}`,
  };
}
export type TemporalUiLinks = ReturnType<typeof temporalUiLinks>;
