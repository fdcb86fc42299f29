import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** A setting that must be there, and what to say when it is absent or empty. */
const required = (message: string) => z.string({ error: message }).min(1, message);

/** The worker's SmugMug app and account credentials: from its environment or the login file, never from workflows. */
export const SmugMugSettings = z.object({
  SMUGMUG_API_BASE_URL: z.url().default('https://api.smugmug.com'),
  /** SmugMug's Uploader (the way back); by default upload.smugmug.com, or `<base>/upload/` for another API base (the sandbox). */
  SMUGMUG_UPLOAD_URL: z.url().optional(),
  SMUGMUG_API_KEY: required('SMUGMUG_API_KEY is required (your SmugMug API key)'),
  SMUGMUG_API_SECRET: required('SMUGMUG_API_SECRET is required'),
  SMUGMUG_ACCESS_TOKEN: required(
    'SMUGMUG_ACCESS_TOKEN is required (connect the account in the web app, or run `smugmug-s3 login`)',
  ),
  SMUGMUG_ACCESS_TOKEN_SECRET: required('SMUGMUG_ACCESS_TOKEN_SECRET is required'),
});
export type SmugMugSettings = z.infer<typeof SmugMugSettings>;

/**
 * The same as a worker reads them where a credential store may hold the app and the accounts
 * instead: each optional here, required by the worker only without a store (worker/config.ts).
 */
export const SmugMugEnvSettings = SmugMugSettings.partial().extend({
  SMUGMUG_API_BASE_URL: SmugMugSettings.shape.SMUGMUG_API_BASE_URL,
  SMUGMUG_UPLOAD_URL: SmugMugSettings.shape.SMUGMUG_UPLOAD_URL,
});
export type SmugMugEnvSettings = z.infer<typeof SmugMugEnvSettings>;

/** Where `smugmug-s3 login` stores the SmugMug tokens and the worker looks for them. */
export function credentialsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.SMUGMUG_CREDENTIALS_FILE ?? join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'smugmug-s3', 'smugmug.env')
  );
}

/** KEY=VALUE lines of the credentials file, if there is one; the environment wins over it. */
export function credentialsFromFile(env: NodeJS.ProcessEnv): Record<string, string> {
  const path = credentialsFilePath(env);
  if (!existsSync(path)) return {};
  return Object.fromEntries(
    readFileSync(path, 'utf8')
      .split('\n')
      .map((line) => /^\s*([A-Z0-9_]+)\s*=\s*(.*?)\s*$/.exec(line))
      .filter((m) => m !== null)
      .map((m) => [m[1], m[2]]),
  );
}
