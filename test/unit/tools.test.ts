import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachedToolPath, resolveTool } from '../../local-stack/tools';

/** Runs `fn` with some environment variables replaced, restoring them after. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k];
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

describe('finding the server binaries', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'smugmug-s3-tools-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('without Go, a cached build, a binary on PATH or TEMPORAL_BIN, the error says what to install', async () => {
    await withEnv({ PATH: dir, SMUGMUG_S3_TOOLS_DIR: dir, TEMPORAL_BIN: undefined }, async () => {
      await expect(resolveTool('temporal', { install: true })).rejects.toThrow(
        /TEMPORAL_BIN.*PATH.*install Go 1\.25 or later/s,
      );
    });
  });

  test('TEMPORAL_BIN wins, and must be an executable', async () => {
    const fake = join(dir, 'temporal');
    await writeFile(fake, '#!/bin/sh\n');
    await withEnv({ TEMPORAL_BIN: fake }, async () => {
      await expect(resolveTool('temporal', { install: false })).rejects.toThrow(/is not an executable file/);
      await chmod(fake, 0o755);
      await expect(resolveTool('temporal', { install: false })).resolves.toBe(fake);
    });
  });

  test('nothing is built when not asked to; the pinned build in the cache is found before PATH', async () => {
    const onPath = join(dir, 'bin');
    await withEnv({ PATH: onPath, SMUGMUG_S3_TOOLS_DIR: join(dir, 'cache'), MINIO_BIN: undefined }, async () => {
      await expect(resolveTool('minio', { install: false })).rejects.toThrow(/npm run tools/);
      const executable = async (path: string) => {
        await mkdir(join(path, '..'), { recursive: true });
        await writeFile(path, '#!/bin/sh\n', { mode: 0o755 });
      };
      await executable(join(onPath, 'minio'));
      await expect(resolveTool('minio', { install: false })).resolves.toBe(join(onPath, 'minio'));
      await executable(cachedToolPath('minio'));
      await expect(resolveTool('minio', { install: false })).resolves.toBe(cachedToolPath('minio'));
    });
  });
});
