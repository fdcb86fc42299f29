import { PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { freePort } from '../local-stack/processes';
import { projectRoot } from '../local-stack/paths';
import { createTestBucket, listKeys, md5Of, readObject, startMigrationHarness } from './support/migration-harness';
import { startPrivateSandbox } from './support/sandbox-client';
import { testStack } from './support/test-stack';

const MB = 2 ** 20;

/** Answers are read by test assertions, which reach into them freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** `npm start` in a process group of its own (so the whole tree can be killed), its output collected. */
function npmStart(env: NodeJS.ProcessEnv) {
  const child = spawn('npm', ['start', '--silent'], { cwd: projectRoot, env, detached: true, stdio: 'pipe' });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  // Closed when every process holding its output is gone (npm, and the launcher after its clean-up).
  const exited = once(child, 'close');
  return {
    child,
    output: () => output,
    exited,
    /** Waits for a line of its output, failing with the output if it exits first. */
    async waitFor(pattern: RegExp, timeoutMs = 120_000): Promise<RegExpExecArray> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = pattern.exec(output);
        if (m) return m;
        if (child.exitCode !== null || Date.now() > deadline)
          throw new Error(`npm start never printed ${pattern}:\n${output}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
  };
}

/** SIGKILL to the whole process tree (the group `npm start` leads): as a crash or a power cut. */
async function killTree(child: ChildProcess, exited: Promise<unknown>) {
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
  // Its children die with the group; give the kernel a moment to close their ports.
  await new Promise((r) => setTimeout(r, 1000));
}

describe('npm start: the service on one machine', () => {
  test('from an empty data folder: the web app first, then a migration that survives SIGKILL of the whole tree and goes on where it was', async () => {
    const sandbox = await startPrivateSandbox({
      mediaBytesPerSecond: 2_000_000,
      library: {
        seed: 'serve',
        albums: 3,
        folders: 1,
        photosPerAlbum: 3,
        videos: 1,
        videoBytes: { min: 24 * MB, max: 24 * MB },
        trickyCases: false,
      },
    });
    const dataDir = await mkdtemp(join(testStack().runDir, 'serve-'));
    const { minio } = testStack();
    const c = sandbox.credentials;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      SMUGMUG_S3_DATA_DIR: dataDir,
      API_PORT: String(await freePort()),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      SMUGMUG_API_BASE_URL: sandbox.url,
      SMUGMUG_API_KEY: c.consumerKey,
      SMUGMUG_API_SECRET: c.consumerSecret,
      SMUGMUG_ACCESS_TOKEN: c.fullModify.token,
      SMUGMUG_ACCESS_TOKEN_SECRET: c.fullModify.secret,
      AWS_ENDPOINT_URL_S3: minio.endpoint,
      AWS_REGION: minio.region,
      WORKER_PROCESSES: '1',
    };
    // Only for the bucket and reading it back: the service itself is what `npm start` runs.
    const harness = await startMigrationHarness(sandbox, {}, { inProcessWorker: false });
    let service = npmStart(env);
    try {
      const bucket = await createTestBucket(harness.s3, 'served');
      await harness.s3.send(
        new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
      );
      // The web app's address is the first thing it says, with its access key, made now and shown once.
      const [, webUrl] = await service.waitFor(/^Web app: (http:\/\/127\.0\.0\.1:\d+\/app)$/m);
      expect(service.output().split('\n')[0]).toBe(`Web app: ${webUrl}`);
      const [, token] = await service.waitFor(/access key \(shown once; kept in .*\): (\S+)/);
      await service.waitFor(/^Ready: /m);
      const api = new URL(webUrl).origin;
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${api}${path}`, {
          method,
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as Json };
      };
      expect((await fetch(`${api}/v1/migrations`)).status).toBe(401);
      const started = await call('POST', '/v1/migrations', {
        account: sandbox.library.nickname,
        migrationId: 'served',
        target: { bucket, prefix: 's' },
      });
      expect(started.status).toBe(202);
      const id = started.body.id as string;

      // Mid-run, the whole tree dies at once; then `npm start` again, as after a crash or a reboot.
      const originals = [...sandbox.library.images.values()].filter((i) => i.original);
      const total = originals.reduce((s, i) => s + i.original!.size, 0);
      const served = () => Object.values(sandbox.counters().bytesServedByImage).reduce((a, b) => a + b, 0);
      while (served() < total / 3) await new Promise((r) => setTimeout(r, 100));
      await killTree(service.child, service.exited);
      const servedBeforeKill = served();
      service = npmStart(env);
      await service.waitFor(/^Ready: /m);
      expect(service.output()).toMatch(/access key: in /);
      expect(service.output()).not.toContain(token);

      let status: Json = {};
      for (const deadline = Date.now() + 240_000; Date.now() < deadline;) {
        status = (await call('GET', `/v1/migrations/${id}`)).body;
        if (status.status !== 'RUNNING') break;
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(status).toMatchObject({ phase: 'completed', counts: { albumsFailed: 0, verified: originals.length } });
      // Every object has its original's bytes.
      const keys = [...(await listKeys(harness.s3, bucket, 's/')).keys()].filter(
        (k) => !k.includes('_smugmug-s3') && !k.endsWith('.json') && !k.endsWith('.xmp'),
      );
      const md5s = await Promise.all(keys.map(async (k) => md5Of(await readObject(harness.s3, bucket, k))));
      expect(md5s.sort()).toEqual(originals.map((i) => i.original!.md5).sort());
      // Nothing read twice beyond what was in flight at the kill: the video's parts, a batch of photos.
      const reread = served() - total;
      expect(servedBeforeKill).toBeLessThan(total);
      expect(reread).toBeLessThanOrEqual(2 * 16 * MB + 8 * Math.max(...originals.map((i) => i.original!.size)));

      // Logs went to the data folder; the keys there are the owner's only.
      expect((await readdir(join(dataDir, 'logs'))).sort()).toEqual(['api.log', 'temporal.log', 'worker.log']);
      for (const secret of ['api-token', 'payload-encryption-keys'])
        expect((await stat(join(dataDir, secret))).mode & 0o777).toBe(0o600);
      const logs = await Promise.all(['api.log', 'worker.log'].map((f) => readFile(join(dataDir, 'logs', f), 'utf8')));
      for (const log of logs) expect(log).not.toContain(c.fullModify.secret);
    } finally {
      if (service.child.exitCode === null) {
        process.kill(-service.child.pid!, 'SIGTERM');
        await service.exited;
      }
      await harness.stop();
      await sandbox.close();
    }
  }, 600_000);
  test('without what it needs it says so: no SmugMug key (the web app still answers), no Temporal server and no Go to build one', async () => {
    const dataDir = await mkdtemp(join(testStack().runDir, 'serve-bare-'));
    const base: NodeJS.ProcessEnv = {
      ...process.env,
      SMUGMUG_S3_DATA_DIR: dataDir,
      SMUGMUG_CREDENTIALS_FILE: join(dataDir, 'none.env'),
      API_PORT: String(await freePort()),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
    };
    delete base.SMUGMUG_API_KEY;
    delete base.SMUGMUG_API_SECRET;
    const keyless = npmStart(base);
    try {
      await keyless.waitFor(
        /^Not copying yet: SMUGMUG_API_KEY and SMUGMUG_API_SECRET not set: SmugMug issues an API key and secret at https:\/\/api\.smugmug\.com\/api\/developer\/apply/m,
      );
      const [, webUrl] = await keyless.waitFor(/^Web app: (\S+)$/m);
      expect((await fetch(`${new URL(webUrl).origin}/healthz`)).status).toBe(200);
    } finally {
      process.kill(-keyless.child.pid!, 'SIGTERM');
      await keyless.exited;
    }
    expect(keyless.output()).toContain('Stopped.');

    // No temporal binary anywhere it looks (no cache, not on PATH) and no Go: a clear error, nothing left running.
    const bare = npmStart({
      ...base,
      SMUGMUG_S3_TOOLS_DIR: join(dataDir, 'no-tools'),
      PATH: dirname(process.execPath),
      TEMPORAL_BIN: '',
    });
    const [code] = await bare.exited;
    expect(code).toBe(1);
    // The installed command is the same launcher (a wrong port shows it reached it, before anything starts).
    const viaCli = spawn(process.execPath, ['cli/smugmug-s3.cjs', 'serve'], {
      cwd: projectRoot,
      env: { ...base, API_PORT: 'eighty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let cliOutput = '';
    viaCli.stderr.on('data', (d: Buffer) => (cliOutput += d.toString()));
    const [cliCode] = await once(viaCli, 'close');
    expect([cliCode, cliOutput.trim()]).toEqual([1, 'API_PORT=eighty is not a port number (1-65535)']);
    expect(bare.output()).toMatch(
      /temporal not found: set TEMPORAL_BIN to a temporal binary, put one on PATH, or install Go/,
    );
  }, 180_000);
});
