import type { z } from 'zod';
import type * as schemas from '../api/schemas';

/** The API's answers and requests, typed from its own schemas (api/schemas.ts). */
export type MigrationStatusBody = z.infer<typeof schemas.MigrationDetails>;
export type ReportBody = z.infer<typeof schemas.Report>;
export type MigrationStartedBody = z.infer<typeof schemas.MigrationStarted>;
export type MigrationListBody = z.infer<typeof schemas.MigrationList>;
export type RetryAcceptedBody = z.infer<typeof schemas.RetryAccepted>;
export type ApprovalResultBody = z.infer<typeof schemas.ApprovalResult>;
export type StartMigrationBody = z.input<typeof schemas.StartMigrationRequest>;
export type ApprovalRequestBody = z.input<typeof schemas.ApprovalRequest>;
export type StartPlanBody = z.input<typeof schemas.StartPlanRequest>;
export type PlanStartedBody = z.infer<typeof schemas.PlanStarted>;
export type PlanBody = z.infer<typeof schemas.Plan>;
export type CreateScheduleBody = z.input<typeof schemas.CreateScheduleRequest>;
export type ScheduleBody = z.infer<typeof schemas.Schedule>;
export type ScheduleListBody = z.infer<typeof schemas.ScheduleList>;
export type AuditBody = z.infer<typeof schemas.AuditDetails>;
export type AuditReportBody = z.infer<typeof schemas.AuditReport>;
export type AuditScheduledBody = z.infer<typeof schemas.AuditScheduled>;
export type SmugMugRestoreBody = z.infer<typeof schemas.SmugMugRestoreDetails>;
export type SmugMugRestoreRequestBody = z.input<typeof schemas.SmugMugRestoreRequest>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The CLI's way to the HTTP API: the URL and token from its environment or flags. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): ApiClient {
    return new ApiClient(
      (env.SMUGMUG_S3_API_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, ''),
      env.SMUGMUG_S3_API_TOKEN,
    );
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(
        0,
        `The API at ${this.baseUrl} is unreachable: start it (npm run api) or set SMUGMUG_S3_API_URL`,
      );
    }
    const payload = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
    if (!res.ok) throw new ApiError(res.status, payload.error?.message ?? `HTTP ${res.status}`);
    return payload as T;
  }

  status(id: string) {
    return this.call<MigrationStatusBody>('GET', `/v1/migrations/${encodeURIComponent(id)}`);
  }
}
