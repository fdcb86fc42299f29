import { HeadBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CredentialStore } from '../config/credential-store';
import { freePort } from '../local-stack/processes';
import { projectRoot } from '../local-stack/paths';
import { launchChromium } from './support/browser';
import { listKeys, md5Of, readObject, startMigrationHarness } from './support/migration-harness';
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

/** The environment without any SmugMug or AWS credentials: a photographer's, before setup. */
function withoutCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !/^(SMUGMUG_|AWS_)/.test(name)));
}

async function bucketExists(s3: S3Client, bucket: string): Promise<boolean> {
  return s3.send(new HeadBucketCommand({ Bucket: bucket })).then(
    () => true,
    () => false,
  );
}

/** SIGKILL to the whole process tree (the group `npm start` leads): as a crash or a power cut. */
async function killTree(child: ChildProcess, exited: Promise<unknown>) {
  process.kill(-child.pid!, 'SIGKILL');
  await exited;
  // Its children die with the group; give the kernel a moment to close their ports.
  await new Promise((r) => setTimeout(r, 1000));
}

describe('npm start: the service on one machine', () => {
  test("a photographer's first run in the browser, from an empty data folder: key, account, credentials, a bucket made safe, plan, start; a SIGKILL of the whole tree mid-run, then npm start again finishes it; a second account connected meanwhile migrates, and disconnecting it stops it at once", async () => {
    const SECOND = 'second-studio';
    const sandbox = await startPrivateSandbox({
      mediaBytesPerSecond: 2_000_000,
      otherAccounts: [SECOND],
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
    // This computer's AWS files name one profile; the photographer enters keys instead.
    await writeFile(
      join(dataDir, 'aws-credentials'),
      `[archive-minio]\naws_access_key_id = ${minio.accessKeyId}\naws_secret_access_key = ${minio.secretAccessKey}\n`,
    );
    const env: NodeJS.ProcessEnv = {
      ...withoutCredentials(process.env),
      SMUGMUG_S3_DATA_DIR: dataDir,
      XDG_CONFIG_HOME: join(dataDir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dataDir, 'aws-credentials'),
      AWS_CONFIG_FILE: join(dataDir, 'aws-config'),
      API_PORT: String(await freePort()),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      SMUGMUG_API_BASE_URL: sandbox.url,
      AWS_ENDPOINT_URL_S3: minio.endpoint,
      AWS_REGION: minio.region,
      WORKER_PROCESSES: '1',
    };
    // Only for reading the bucket back: the service itself is what `npm start` runs.
    const harness = await startMigrationHarness(sandbox, {}, { inProcessWorker: false });
    const browser = await launchChromium();
    let service = npmStart(env);
    try {
      // The web app's address is the first thing it says, with its access key, made now and shown once.
      const [, webUrl] = await service.waitFor(/^Web app: (http:\/\/127\.0\.0\.1:\d+\/app)$/m);
      expect(service.output().split('\n')[0]).toBe(`Web app: ${webUrl}`);
      const [, accessKey] = await service.waitFor(/access key \(shown once; kept in .*\): (\S+)/);
      await service.waitFor(/^Ready: /m);
      const api = new URL(webUrl).origin;
      expect((await fetch(`${api}/v1/migrations`)).status).toBe(401);

      const page = await (await browser.newContext()).newPage();
      // The address it printed; with nothing set up yet, it leads to Setup.
      await page.goto(webUrl);
      await page.getByLabel('Access key').fill(accessKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/app\/setup$/);

      // 1. The SmugMug API key: checked by SmugMug at once; a wrong one is refused with its reason.
      expect(await page.locator('#setup-app').textContent()).toContain('https://api.smugmug.com/api/developer/apply');
      await page.getByLabel('API key', { exact: true }).fill('not-a-key');
      await page.getByLabel('API secret', { exact: true }).fill('not-a-secret');
      await page.getByRole('button', { name: 'Check and save the key' }).click();
      expect(await page.locator('#setup-app [role=alert]').textContent()).toMatch(
        /^SmugMug did not accept this API key and secret \(SmugMug refused .*getRequestToken/,
      );
      await page.getByLabel('API key', { exact: true }).fill(c.consumerKey);
      await page.getByLabel('API secret', { exact: true }).fill(c.consumerSecret);
      await page.getByRole('button', { name: 'Check and save the key' }).click();
      await page.locator('#setup-app [role=status]', { hasText: 'SmugMug accepted the key' }).waitFor();

      // 2. Connect: the OAuth callback flow; the account and whether it may delete.
      await page.getByRole('button', { name: 'Connect SmugMug' }).click();
      await page.waitForURL(/\/app\/setup\?connected=/);
      expect(await page.locator('#connected-accounts').textContent()).toContain(
        `${sandbox.library.nickname} with full access (every album, private ones too), allowed to delete originals after your approval.`,
      );

      // 3. S3: the profiles this computer has are offered; keys S3 refuses are not kept.
      expect(await page.locator('#setup-s3').textContent()).toContain('The profile "archive-minio"');
      await page.getByLabel(/An access key, entered here/).check();
      await page.getByLabel('Access key ID', { exact: true }).fill(minio.accessKeyId);
      await page.getByLabel('Secret access key', { exact: true }).fill('not-the-secret');
      await page.getByRole('button', { name: 'Check and save' }).click();
      expect(await page.locator('#setup-s3 [role=alert]').textContent()).toMatch(/^S3 did not accept the access key/);
      await page.getByLabel(/An access key, entered here/).check();
      await page.getByLabel('Access key ID', { exact: true }).fill(minio.accessKeyId);
      await page.getByLabel('Secret access key', { exact: true }).fill(minio.secretAccessKey);
      await page.getByRole('button', { name: 'Check and save' }).click();
      await page.locator('#setup-s3 [role=status]', { hasText: 'S3 accepted these credentials' }).waitFor();

      // 4. A bucket that does not exist: made with the safe settings only once confirmed.
      const bucket = `first-run-${Date.now().toString(36)}`;
      await page.getByLabel('Bucket name').fill(bucket);
      await page.getByRole('button', { name: 'Check the bucket' }).click();
      await page.locator('#create-bucket').waitFor();
      expect(await bucketExists(harness.s3, bucket)).toBe(false);
      await page.getByRole('button', { name: `Create bucket ${bucket}` }).click();
      const checks = await page.locator('#bucket-check').textContent();
      for (const line of [
        'Versioning keeps every version of a file (needed before originals may be deleted): yes',
        'Encryption at rest: yes',
        'Only encrypted connections allowed: yes',
      ])
        expect(checks).toContain(line);
      // MinIO takes no rule aborting unfinished uploads (nor says whether public access is blocked): the
      // page names what the store refused. bucket-setup.test.ts shows all six on moto, which has them.
      const notApplied = await page.locator('#not-applied').textContent();
      expect(notApplied).toMatch(/^This storage did not take every safe setting: /);
      expect(notApplied).toContain('Unfinished uploads cleaned up: failed (InvalidArgument');
      expect(notApplied).not.toMatch(/Versioning|Encryption|Only encrypted connections/);
      expect(await bucketExists(harness.s3, bucket)).toBe(true);

      // Then the plan: the start form filled from setup.
      await page.getByRole('link', { name: 'Next: plan your migration' }).click();
      expect(await page.getByLabel('SmugMug nickname').inputValue()).toBe(sandbox.library.nickname);
      expect(await page.getByLabel('S3 bucket').inputValue()).toBe(bucket);
      await page.getByLabel('Folder in the bucket (optional)').fill('s');
      await page.getByRole('button', { name: /Plan first/ }).click();
      await page.waitForURL(/\/app\/plans\//);
      await page.locator('#plan-totals').waitFor({ timeout: 60_000 });
      await page.getByRole('button', { name: 'Start copying' }).click();
      await page.waitForURL(/\/app\/migrations\/migrate-/);
      const migrationPage = page.url();
      const id = decodeURIComponent(migrationPage.split('/app/migrations/')[1]);

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
      expect(service.output()).not.toContain(accessKey);

      // A second account, connected in the web app while the worker runs, migrates with its own token.
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${api}${path}`, {
          method,
          headers: { Authorization: `Bearer ${accessKey}`, 'Content-Type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as Json };
      };
      const albumOne = [...sandbox.library.albums.values()].find((a) => a.name === 'Album 1')!;
      await page.goto(`${api}/app/setup`);
      await fetch(`${sandbox.url}/__sandbox/signed-in?nickname=${SECOND}`, { method: 'POST' });
      await page.getByRole('button', { name: 'Connect another account' }).click();
      await page.waitForURL(new RegExp(`/app/setup\\?connected=${SECOND}`));
      const second = await call('POST', '/v1/migrations', {
        account: SECOND,
        migrationId: 'second',
        target: { bucket, prefix: 'second' },
        albums: { include: ['*/Album 1'] },
      });
      expect(second.status).toBe(202);

      const finished = async (migration: string) => {
        for (const deadline = Date.now() + 240_000; Date.now() < deadline;) {
          const status = (await call('GET', `/v1/migrations/${migration}`)).body;
          if (status.status !== 'RUNNING') return status;
          await new Promise((r) => setTimeout(r, 500));
        }
        throw new Error(`${migration} did not finish`);
      };
      expect(await finished(id)).toMatchObject({
        phase: 'completed',
        counts: { albumsFailed: 0, verified: originals.length },
      });
      expect(await finished(second.body.id as string)).toMatchObject({
        phase: 'completed',
        counts: { albumsFailed: 0, verified: albumOne.placements.length },
      });
      // Every object of the first has its original's bytes.
      const keys = [...(await listKeys(harness.s3, bucket, 's/')).keys()].filter(
        (k) => !k.includes('_smugmug-s3') && !k.endsWith('.json') && !k.endsWith('.xmp'),
      );
      const md5s = await Promise.all(keys.map(async (k) => md5Of(await readObject(harness.s3, bucket, k))));
      expect(md5s.sort()).toEqual(originals.map((i) => i.original!.md5).sort());
      // Nothing read twice beyond what was in flight at the kill: the video's parts, a batch of photos
      // (the second account's album read its three photos once more, as its own).
      const secondBytes = albumOne.placements.reduce(
        (s, p) => s + (sandbox.library.images.get(p.imageKey)!.original?.size ?? 0),
        0,
      );
      const reread = served() - total - secondBytes;
      expect(servedBeforeKill).toBeLessThan(total);
      expect(reread).toBeLessThanOrEqual(2 * 16 * MB + 8 * Math.max(...originals.map((i) => i.original!.size)));

      // Disconnected in the web app: the account's next activity fails at once, saying so.
      await page.goto(`${api}/app/setup`);
      await page.getByRole('button', { name: `Disconnect ${SECOND}` }).click();
      await page.locator('#setup-accounts [role=status]', { hasText: `${SECOND} is disconnected` }).waitFor();
      const again = await call('POST', '/v1/migrations', {
        account: SECOND,
        migrationId: 'second-again',
        target: { bucket, prefix: 'second-again' },
      });
      const refused = again.status === 202 ? await finished(again.body.id as string) : again.body;
      expect(JSON.stringify(refused)).toContain('SmugMug access was disconnected');

      // The store holds no token or key in clear, the owner's only; no log of the data folder names one.
      const store = new CredentialStore(join(dataDir, 'credentials.enc'));
      const stored = await store.read();
      const secrets = [
        c.consumerSecret,
        minio.secretAccessKey,
        stored.accounts[sandbox.library.nickname.toLowerCase()].token!.key,
        stored.accounts[sandbox.library.nickname.toLowerCase()].token!.secret,
      ];
      const onDisk = await readFile(store.path, 'utf8');
      for (const secret of secrets) expect(onDisk).not.toContain(secret);
      for (const file of [
        store.path,
        store.keyPath,
        join(dataDir, 'api-token'),
        join(dataDir, 'payload-encryption-keys'),
      ])
        expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await readdir(join(dataDir, 'logs'))).sort()).toEqual(['api.log', 'temporal.log', 'worker.log']);
      for (const log of await readdir(join(dataDir, 'logs'))) {
        const text = await readFile(join(dataDir, 'logs', log), 'utf8');
        for (const secret of secrets) expect({ log, leaks: text.includes(secret) }).toEqual({ log, leaks: false });
      }
    } finally {
      await browser.close();
      if (service.child.exitCode === null) {
        process.kill(-service.child.pid!, 'SIGTERM');
        await service.exited;
      }
      await harness.stop();
      await sandbox.close();
    }
  }, 600_000);
  test('without what it needs it says so: no SmugMug key yet (the web app asks for it), no Temporal server and no Go to build one', async () => {
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
      // Nothing to copy with yet: the workers wait for what setup in the web app will give them.
      await keyless.waitFor(
        /^Ready: open http:\/\/127\.0\.0\.1:\d+\/app, sign in with the access key, set up, plan and start\./m,
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
