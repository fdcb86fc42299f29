import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** The checkout's root, whichever script runs. */
export const projectRoot = resolve(__dirname, '..');

/** Persistent data of `npm run stack` (Temporal's SQLite file, MinIO's bucket, sandbox media): git-ignored. */
export function localStackDataDir(): string {
  return process.env.LOCAL_STACK_DATA_DIR ?? join(projectRoot, '.local-stack');
}

/** Go-built server binaries live outside the checkout, so later runs, other clones and CI reuse them. */
export function toolsCacheDir(): string {
  if (process.env.SMUGMUG_S3_TOOLS_DIR) return process.env.SMUGMUG_S3_TOOLS_DIR;
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'smugmug-s3', 'tools');
}
