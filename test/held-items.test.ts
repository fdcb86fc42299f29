import { PutBucketVersioningCommand } from '@aws-sdk/client-s3';
import type { Counters } from '../smugmug-sandbox/faults';
import { apiTestbedForTests } from './support/api-harness';
import { cliAgainst } from './support/cli-runner';
import { createTestBucket, readObject } from './support/migration-harness';

type Held = { albumKey: string; imageKey: string; fileName: string; kind: string; reason: string; included?: boolean };

const testbed = apiTestbedForTests({
  library: {
    seed: 'held',
    nickname: 'held-tester',
    albums: 2,
    folders: 1,
    photosPerAlbum: 3,
    videos: 0,
    bigAlbumImages: 1,
  },
});

const counters = async () => (await (await fetch(`${testbed.sandbox.url}/__sandbox/counters`)).json()) as Counters;
const imageNamed = (fileName: string) =>
  [...testbed.sandbox.library.images.values()].find((i) => i.fileName === fileName)!;

describe('held items: deleted only when an approval names them', () => {
  test('"all" deletes every ordinary verified image and no transcode, damaged original or uncopied video; naming the transcode deletes exactly it', async () => {
    const bucket = await createTestBucket(testbed.harness.s3, 'held');
    await testbed.harness.s3.send(
      new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }),
    );
    const started = await testbed.api.call('POST', '/v1/migrations', {
      account: testbed.sandbox.library.nickname,
      migrationId: 'held',
      target: { bucket, prefix: 'h' },
      albums: { include: ['*/Videos', '*/Album 1'] },
      verification: { deep: 'all' },
      deletion: { enabled: true, approvalTimeout: '10m' },
      keepOpenFor: '10m',
    });
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    await testbed.api.waitFor(id, (s) => s.phase === 'awaiting-approval', 120_000);

    const videos = [...testbed.sandbox.library.albums.values()].find((a) => a.name === 'Videos')!;
    const ordinary = [...testbed.sandbox.library.albums.values()].find((a) => a.name === 'Album 1')!;
    const transcode = imageNamed('transcode-only.mp4');
    const damaged = imageNamed('damaged-original.mp4');
    const processing = imageNamed('still-processing.mp4');
    const failedVideo = imageNamed('could-not-process.mp4');

    // The report: both albums verified (the damaged original is a warning, its copy is faithful), held items in a section of their own.
    const { body: report } = await testbed.api.call('GET', `/v1/migrations/${id}/report`);
    expect(report.report.totals).toMatchObject({ albums: 2, passed: 2 });
    const held = report.report.held as Held[];
    const byKey = new Map(held.map((h) => [h.imageKey, h]));
    expect(new Set(byKey.keys())).toEqual(
      new Set([transcode.imageKey, damaged.imageKey, processing.imageKey, failedVideo.imageKey]),
    );
    expect(byKey.get(transcode.imageKey)).toMatchObject({
      kind: 'transcode',
      reason: expect.stringContaining('transcode'),
    });
    expect(byKey.get(damaged.imageKey)).toMatchObject({
      kind: 'does-not-open',
      reason: expect.stringContaining('MP4 has no moov box'),
    });
    expect(byKey.get(processing.imageKey)).toMatchObject({
      kind: 'not-copied',
      reason: expect.stringContaining('processing'),
    });
    const videosRow = (
      report.report.albums as Array<{ albumKey: string; warnings: Array<{ imageKey: string; warning: string }> }>
    ).find((a) => a.albumKey === videos.albumKey)!;
    expect(videosRow.warnings).toEqual([
      expect.objectContaining({
        imageKey: damaged.imageKey,
        warning: expect.stringContaining('the original itself does not open'),
      }),
    ]);

    // The CLI shows the held items and why before it asks anything.
    const cliDry = await cliAgainst(testbed.api.url)([
      'approve',
      id,
      '--by',
      'Jane',
      '--dry-run',
      '--include-held',
      'transcodes',
    ]).done;
    expect(cliDry.code).toBe(0);
    expect(cliDry.output).toContain('Held: 4 item(s) stay on SmugMug unless you include them');
    expect(cliDry.output).toMatch(
      new RegExp(
        `INCLUDED, will be deleted\\s+${transcode.imageKey}\\s+Edge Cases / Videos / transcode-only.mp4: only SmugMug's transcode`,
      ),
    );
    expect(cliDry.output).toMatch(
      new RegExp(
        `kept\\s+${damaged.imageKey}\\s+.*damaged-original.mp4: the original itself does not open: MP4 has no moov box`,
      ),
    );
    await new Promise((r) => setTimeout(r, 1000));
    expect((await counters()).deletions).toEqual([]);

    // A dry run shows what stays and why, before anything happens.
    const dry = await testbed.api.call('POST', `/v1/migrations/${id}/deletion/approve`, {
      approvedBy: 'Jane',
      albums: 'all',
      reportDigest: report.digest,
      dryRun: true,
    });
    expect(dry.status).toBe(200);
    expect((dry.body.held as Held[]).map((h) => [h.imageKey, h.included]).sort()).toEqual(
      [transcode, damaged, processing, failedVideo].map((i) => [i.imageKey, false]).sort(),
    );
    // A typo never passes for a choice.
    const typo = await testbed.api.call('POST', `/v1/migrations/${id}/deletion/approve`, {
      approvedBy: 'Jane',
      albums: 'all',
      reportDigest: report.digest,
      includeHeld: ['NOTHELD1'],
    });
    expect(typo.status).toBe(409);
    expect(typo.body.error.message).toContain('NOTHELD1');
    expect((await counters()).deletions).toEqual([]);

    // (The testbed.sandbox takes deleted images out of their albums: read the album before.)
    const expectedFirst = [
      ...ordinary.placements.map((p) => p.imageKey),
      imageNamed('original-kept.mp4').imageKey,
    ].sort();
    const all = await testbed.api.call('POST', `/v1/migrations/${id}/deletion/approve`, {
      approvedBy: 'Jane',
      albums: 'all',
      reportDigest: report.digest,
    });
    expect(all.status).toBe(200);
    await waitUntil(async () => (await counters()).deletions.length >= expectedFirst.length);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await counters()).deletions.map((d) => d.imageKey).sort()).toEqual(expectedFirst);

    // The photographer decides the transcode may go too: exactly it goes, and the log says who included it.
    const second = await testbed.api.call('POST', `/v1/migrations/${id}/deletion/approve`, {
      approvedBy: 'Jane Again',
      albums: [videos.albumKey],
      reportDigest: report.digest,
      includeHeld: [transcode.imageKey],
    });
    expect(second.status).toBe(200);
    expect((second.body.held as Held[]).filter((h) => h.included).map((h) => h.imageKey)).toEqual([transcode.imageKey]);
    await waitUntil(async () => (await counters()).deletions.length > expectedFirst.length);
    await new Promise((r) => setTimeout(r, 1000));
    expect((await counters()).deletions.map((d) => d.imageKey).sort()).toEqual(
      [...expectedFirst, transcode.imageKey].sort(),
    );
    for (const kept of [damaged, processing, failedVideo])
      expect(testbed.sandbox.library.images.get(kept.imageKey)!.deleted).toBe(false);

    const log = JSON.parse(
      (
        await readObject(
          testbed.harness.s3,
          bucket,
          `h/_smugmug-s3-migration/held/albums/${videos.albumKey}/deletion.json`,
        )
      ).toString(),
    );
    expect(log.deleted).toEqual([transcode.imageKey]);
    expect(log.heldIncluded).toEqual([
      expect.objectContaining({
        imageKey: transcode.imageKey,
        kind: 'transcode',
        includedBy: expect.objectContaining({ approvedBy: 'Jane Again' }),
      }),
    ]);
    expect(log.heldKept.map((h: Held) => h.imageKey).sort()).toEqual(
      [damaged.imageKey, processing.imageKey, failedVideo.imageKey].sort(),
    );
    expect(log.earlier[0]).toMatchObject({
      approval: expect.objectContaining({ approvedBy: 'Jane' }),
      deleted: [imageNamed('original-kept.mp4').imageKey],
    });

    const status = await testbed.api.waitFor(id, (s) => s.deletion?.imagesDeleted === expectedFirst.length + 1);
    expect(status.deletion).toMatchObject({ albumsDeleted: 2, imagesDeleted: expectedFirst.length + 1 });
    await testbed.api.call('POST', `/v1/migrations/${id}/cancel`);
  }, 240_000);
});

async function waitUntil(done: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 300));
  }
}
