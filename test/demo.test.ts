import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../local-stack/paths';
import { freePorts } from '../local-stack/stack';

describe('npm run demo -- --once', () => {
  test('brings up the stack, migrates the sandbox library into MinIO with progress, prints the summary and exits 0', async () => {
    const dataDir = await mkdtemp(join(process.env.SMUGMUG_S3_RUN_DIR ?? tmpdir(), 'smugmug-s3-demo-'));
    const ports = await freePorts();
    const child = spawn(process.execPath, ['--import', 'tsx', 'local-stack/demo.ts', '--once'], {
      cwd: projectRoot,
      env: {
        ...process.env, LOCAL_STACK_DATA_DIR: dataDir, TEMPORAL_PORT: String(ports.temporal), TEMPORAL_UI_PORT: String(ports.temporalUi),
        MINIO_PORT: String(ports.minio), MINIO_CONSOLE_PORT: String(ports.minioConsole), SANDBOX_PORT: String(ports.sandbox),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    try {
      const [code] = await once(child, 'exit');
      expect({ code, tail: output.slice(-1500) }).toMatchObject({ code: 0 });
      expect(output).toMatch(/Albums\s+\|/);
      expect(output).toContain('Migration verified.');
      expect(output).toMatch(/files\s+\d+ planned: \d+ copied/);
      expect(output).toContain(`http://127.0.0.1:${ports.temporalUi}/namespaces/default/workflows/migrate-sandbox-photographer-demo-`);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});
