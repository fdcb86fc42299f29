import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';

/**
 * A secret made once and kept in a file readable by its owner only (a payload key, an access key),
 * read from there ever after; `made` says whether it was made now.
 */
export async function keptSecret(path: string, make: () => string): Promise<{ value: string; made: boolean }> {
  if (existsSync(path)) return { value: (await readFile(path, 'utf8')).trim(), made: false };
  const value = make();
  await writeFile(path, `${value}\n`, { mode: 0o600 });
  return { value, made: true };
}
