import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../local-stack/paths';
import { TEST_API_TOKEN } from './support/api-harness';
import { PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import type { Counters } from '../smugmug-sandbox/faults';
import { apiTestbedForTests } from './support/api-harness';
import { cliAgainst } from './support/cli-runner';
import { createTestBucket } from './support/migration-harness';
import { sandboxClient } from './support/sandbox-client';

const testbed = apiTestbedForTests({
  library: {
    seed: 'cli',
    nickname: 'cli-tester',
    albums: 2,
    folders: 0,
    photosPerAlbum: 6,
    videos: 0,
    photoBytes: { min: 300_000, max: 400_000 },
    trickyCases: false,
  },
  // Slow enough that each album copies for a few seconds: the display has something to show.
  mediaBytesPerSecond: 100_000,
});

const cli = (args: string[], input?: string) => cliAgainst(testbed.api.url)(args, input);
/** `smugmug-s3 migrate` of the testbed's account into `bucket` as `id`, run to its answer. */
const migrate = (bucket: string, id: string, ...options: string[]) =>
  cli(['migrate', '--account', testbed.sandbox.library.nickname, '--bucket', bucket, '--id', id, ...options]).done;

const deletions = async () =>
  ((await (await fetch(`${testbed.sandbox.url}/__sandbox/counters`)).json()) as Counters).deletions;

describe('the smugmug-s3 command', () => {
  test('status shows progress bars per album and overall while a migration runs; approve deletes only after confirmation', async () => {
    const bucket = await createTestBucket(testbed.harness.s3, 'cli');
    await testbed.harness.s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const started = await migrate(bucket, 'cli', '--delete');
    expect(started.code).toBe(0);
    const id = /Started (\S+)/.exec(started.output)![1];

    const status = await cli(['status', id]).done;
    expect(status.code).toBe(0);
    expect(status.output).toMatch(/Overall\s+\|[█░]+\| \d+% \d+\/2 albums/);
    expect(status.output).toMatch(/\|[█░]+\|\s+\d+% \d+\/6 files (planning|transferring|verifying)/);
    const names = [...testbed.sandbox.library.albums.values()].map((a) => a.name);
    expect(names.some((n) => new RegExp(`^${n}\\s+\\|`, 'm').test(status.output))).toBe(true);
    expect(status.output).toMatch(/MB\/s, ETA/);
    expect(status.output).toContain(`${id}: RUNNING (awaiting-approval), 2/2 albums, 0 failed, 12 files verified`);

    const declined = await cli(['approve', id, '--by', 'Jane'], 'no\n').done;
    expect(declined.code).toBe(0);
    expect(declined.output).toContain('2 of 2 albums passed, 12 files verified');
    expect(declined.output).toContain('Not approved: nothing will be deleted.');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await deletions()).toEqual([]);

    const album = [...testbed.sandbox.library.albums.values()][0];
    const images = album.placements.map((p) => p.imageKey).sort();
    const confirmed = await cli(['approve', id, '--by', 'Jane', '--albums', album.albumKey], 'delete\n').done;
    expect(confirmed.code).toBe(0);
    expect(confirmed.output).toContain(`Approved: ${album.albumKey}`);
    await testbed.api.waitFor(id, (s) => s.deletion?.albumsDeleted === 1);
    expect((await deletions()).map((d) => d.imageKey).sort()).toEqual(images);

    expect((await cli(['cancel', id]).done).code).toBe(0);
    await testbed.api.waitFor(id, (s) => s.status === 'CANCELLED');
  }, 120_000);

  test('status says why a migration ended and why each failed album failed', async () => {
    const bucket = await createTestBucket(testbed.harness.s3, 'cli-failed');
    const nothing = await migrate(bucket, 'cli-nothing', '--include', 'No such album');
    const nothingId = /Started (\S+)/.exec(nothing.output)![1];
    await testbed.api.waitFor(nothingId, (s) => s.status === 'FAILED');
    const ended = await cli(['status', nothingId, '--once']).done;
    expect(ended.output).toContain('why it ended: No album matches the include patterns "No such album"');

    const broken = [...testbed.sandbox.library.albums.values()][1];
    await fetch(`${testbed.sandbox.url}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify(
        broken.placements.map((p) => ({ kind: 'not-found', target: 'media', pathContains: p.imageKey, times: 1000 })),
      ),
    });
    try {
      const started = await migrate(bucket, 'cli-failed');
      const id = /Started (\S+)/.exec(started.output)![1];
      await testbed.api.waitFor(id, (s) => s.phase === 'completed-with-failures', 60_000);
      const status = await cli(['status', id, '--once']).done;
      expect(status.output).toMatch(new RegExp(`failed ${broken.albumKey}: .*is gone \\(HTTP 404\\)`));
      expect((await cli(['cancel', id]).done).code).toBe(0);
    } finally {
      await fetch(`${testbed.sandbox.url}/__sandbox/faults`, { method: 'DELETE' });
    }
  }, 120_000);

  test('in a terminal, status names albums by their path and redraws in place as albums come and go', async () => {
    const bucket = await createTestBucket(testbed.harness.s3, 'cli-tty');
    const started = await migrate(bucket, 'tty');
    expect(started.code).toBe(0);
    const id = /Started (\S+)/.exec(started.output)![1];
    // A real terminal (tmux), narrower than the display's lines: a wrapped or stale line would stay on screen.
    const session = `smugmug-s3-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
    const env = `SMUGMUG_S3_API_URL=${testbed.api.url} SMUGMUG_S3_API_TOKEN=${TEST_API_TOKEN}`;
    tmux('new-session', '-d', '-s', session, '-x', '90', '-y', '20', '-c', projectRoot);
    try {
      // The marker is typed split (WATCH-""ENDED), so only the shell's output of it, never the echo
      // of the typed line (which wraps where the prompt's length puts it), ends the watch.
      tmux('send-keys', '-t', session, `${env} node cli/smugmug-s3.cjs status ${id}; echo WATCH-""ENDED`, 'Enter');
      const albumNames = [...testbed.sandbox.library.albums.values()].map((a) => a.name);
      let shownNames = new Set<string>();
      let screen = '';
      for (let waited = 0; !screen.includes('\nWATCH-ENDED') && waited < 120_000; waited += 250) {
        await new Promise((r) => setTimeout(r, 250));
        screen = tmux('capture-pane', '-p', '-t', session);
        shownNames = new Set([...shownNames, ...albumNames.filter((n) => screen.includes(n))]);
      }
      expect(screen).toContain('\nWATCH-ENDED');
      expect(shownNames.size).toBeGreaterThan(0);
      expect(screen).not.toMatch(/album [A-Za-z0-9]{4,} /);
      // One frame on screen: one overall line, and every line within the terminal's width.
      expect(screen.match(/^Overall/gm)).toHaveLength(1);
      for (const line of screen.split('\n')) expect(line.length).toBeLessThanOrEqual(90);
    } finally {
      tmux('kill-session', '-t', session);
    }
  });

  test('a command without its argument says what is missing', async () => {
    const res = await cli(['approve', 'some-id']).done;
    expect(res.code).toBe(2);
    expect(res.output).toMatch(/approve needs --by NAME/);
  });

  test('login runs the OAuth PIN flow and stores working tokens where the worker reads them, readable by the user only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'smugmug-s3-login-'));
    try {
      const out = join(dir, 'smugmug.env');
      const run = cli([
        'login',
        '--api-base',
        testbed.sandbox.url,
        '--key',
        testbed.sandbox.credentials.consumerKey,
        '--secret',
        testbed.sandbox.credentials.consumerSecret,
        '--out',
        out,
      ]);
      const deadline = Date.now() + 20_000;
      let url: string | undefined;
      while (!url && Date.now() < deadline) {
        url = /(http:\/\/\S+\/authorize\?\S+)/.exec(run.output())?.[1];
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(url).toContain('Access=Full&Permissions=Modify');
      const pin = /id="verifier">(\d{6})</.exec(await (await fetch(url!)).text())![1];
      run.child.stdin.end(`${pin}\n`);
      const { code, output } = await run.done;
      expect({ code, output }).toMatchObject({ code: 0 });
      expect((await stat(out)).mode & 0o777).toBe(0o600);
      const stored = Object.fromEntries(
        (await readFile(out, 'utf8'))
          .trim()
          .split('\n')
          .map((l) => l.split('=', 2) as [string, string]),
      );
      const me = await sandboxClient(testbed.sandbox, {
        token: stored.SMUGMUG_ACCESS_TOKEN,
        secret: stored.SMUGMUG_ACCESS_TOKEN_SECRET,
      }).json('/api/v2!authuser');
      expect(me.status).toBe(200);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
