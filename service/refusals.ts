import type { z } from 'zod';

/**
 * Why the service refused what a person asked, by kind. The kinds are also the codes of the API's
 * error answers; http/problems.ts gives each its HTTP status, for the JSON API and the pages alike.
 */
export type RefusalCode =
  /** Bad input: the fields and their problems. */
  | 'invalid_request'
  /** No such migration, plan or schedule. */
  | 'not_found'
  /** Was there, and is no more: a share link revoked or past its expiry. */
  | 'gone'
  /** Refused in the current state: already migrating, not failed, another report… */
  | 'conflict'
  /** The target cannot be used: no such bucket, no access, another account's token. */
  | 'unprocessable'
  /** SmugMug or S3 is down for now: try again in a moment. */
  | 'unavailable'
  /** No worker polls the task queue to answer. */
  | 'no_worker'
  /** The Temporal server cannot be reached. */
  | 'temporal_unavailable';

export interface FieldIssue {
  field: string;
  problem: string;
}

/** A refusal in words for the person who asked; nothing was started or changed. */
export class Refusal extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly details: { issues?: FieldIssue[]; runningId?: string } = {},
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

/** Each bad field and its problem, and all of them in one sentence: how the API and the pages name bad input. */
export function issuesOf(error: z.ZodError): { issues: FieldIssue[]; message: string } {
  const issues = error.issues.map((i) => ({ field: i.path.join('.') || '(body)', problem: i.message }));
  return { issues, message: issues.map((i) => `${i.field}: ${i.problem}`).join('; ') };
}

export const invalidInput = (error: z.ZodError) => {
  const { issues, message } = issuesOf(error);
  return new Refusal('invalid_request', message, { issues });
};
export const notFound = (what: string) => new Refusal('not_found', `${what} not found`);
export const conflict = (message: string) => new Refusal('conflict', message);
export const alreadyMigrating = (account: string, runningId: string) =>
  new Refusal('conflict', `Account ${account} is already migrating`, { runningId });
export const noWorker = () =>
  new Refusal(
    'no_worker',
    'No worker is running to answer for this migration: start one (npm run worker), then ask again',
  );
