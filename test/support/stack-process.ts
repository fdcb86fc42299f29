import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../local-stack/paths';
import { freePort } from '../../local-stack/processes';
import { freePorts } from '../../local-stack/stack';

/** Runs one of the project's stack scripts (stack, demo) as a user would, on free ports and a data folder of its own. */
export async function spawnStackScript(script: string, args: string[] = []) {
  const dataDir = await mkdtemp(join(process.env.SMUGMUG_S3_RUN_DIR ?? tmpdir(), 'smugmug-s3-script-'));
  const ports = { ...(await freePorts()), api: await freePort() };
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: projectRoot,
    env: {
      ...process.env,
      LOCAL_STACK_DATA_DIR: dataDir,
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.temporalUi),
      MINIO_PORT: String(ports.minio),
      MINIO_CONSOLE_PORT: String(ports.minioConsole),
      SANDBOX_PORT: String(ports.sandbox),
      API_PORT: String(ports.api),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return {
    child,
    ports,
    output: () => output,
    async cleanup() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
